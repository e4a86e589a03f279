"""The nn.Module classes."""

from .activation import (CELU, ELU, GELU, SELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, Mish,
                         PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin, Softplus, Softsign, Tanh, Threshold, GLU,
                         Hardshrink, Softshrink, Tanhshrink, RReLU, Softmax2d)
from .distance import CosineSimilarity, PairwiseDistance
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .layers import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
                     AdaptiveMaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, Bilinear, Conv1d, Conv2d, Conv3d, ConvTranspose1d,
                     ConvTranspose2d, ConvTranspose3d, Dropout, Dropout1d, Dropout2d, Dropout3d, Flatten, Identity, Linear,
                     MaxPool1d, MaxPool2d, MaxPool3d, PixelShuffle, Unflatten, Upsample, ZeroPad2d,
                     ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad3d, ReflectionPad1d, ReflectionPad2d,
                     ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d,
                     CircularPad2d, CircularPad3d, AlphaDropout, FeatureAlphaDropout, Unfold, Fold, PixelUnshuffle,
                     ChannelShuffle, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, LPPool1d, LPPool2d, LPPool3d)
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, DiceLoss, GaussianNLLLoss, HuberLoss,
                   KLDivLoss, L1Loss, MarginRankingLoss, MSELoss, NLLLoss, PoissonNLLLoss, SmoothL1Loss, TripletMarginLoss,
                   SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss, MultiMarginLoss, HingeEmbeddingLoss,
                   TripletMarginWithDistanceLoss, CTCLoss)
from .module import Module
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, Embedding, GroupNorm, InstanceNorm1d, InstanceNorm2d,
                            InstanceNorm3d, LayerNorm, RMSNorm, LocalResponseNorm, EmbeddingBag)

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten", "Conv1d",
           "Conv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "Dropout", "ReLU", "ReLU6", "LeakyReLU", "ELU",
           "GELU", "SiLU", "Softplus", "Hardtanh", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "MSELoss", "L1Loss",
           "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "SELU", "CELU", "Mish", "Softsign",
           "Hardsigmoid", "Hardswish", "LogSigmoid", "Softmin", "Threshold", "PReLU", "BatchNorm1d", "BatchNorm2d",
           "LayerNorm", "GroupNorm", "InstanceNorm2d", "Embedding", "SmoothL1Loss", "HuberLoss", "KLDivLoss",
           "GaussianNLLLoss", "PoissonNLLLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss", "DiceLoss", "ZeroPad2d", "PixelShuffle", "Upsample",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "ConvTranspose2d", "Bilinear", "AdaptiveMaxPool2d", "Dropout2d",
           "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
           "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
           "TransformerDecoder", "Transformer",
           # volumes (CT and MRI)
           "Conv3d", "ConvTranspose1d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool3d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm3d", "Dropout1d",
           "Dropout3d",
           # padding layers
           "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad3d", "ReflectionPad1d",
           "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
           "CircularPad1d", "CircularPad2d", "CircularPad3d",
           # the rest of everyday torch.nn
           "GLU", "Hardshrink", "Softshrink", "Tanhshrink", "RReLU", "Softmax2d", "CosineSimilarity", "PairwiseDistance",
           "AlphaDropout", "FeatureAlphaDropout", "Unfold", "Fold", "PixelUnshuffle", "ChannelShuffle", "MaxUnpool1d",
           "MaxUnpool2d", "MaxUnpool3d", "LPPool1d", "LPPool2d", "LPPool3d", "RMSNorm", "LocalResponseNorm",
           "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiLabelMarginLoss", "MultiMarginLoss", "HingeEmbeddingLoss",
           "TripletMarginWithDistanceLoss", "CTCLoss", "ParameterList", "ParameterDict",
           "EmbeddingBag"]
