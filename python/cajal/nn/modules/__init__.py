"""The nn.Module classes."""

from .activation import (CELU, ELU, GELU, SELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, Mish,
                         PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin, Softplus, Softsign, Tanh, Threshold)
from .container import ModuleDict, ModuleList, Sequential
from .layers import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, Bilinear, Conv1d, Conv2d,
                     ConvTranspose2d, Dropout, Dropout2d, Flatten, Identity, Linear, MaxPool1d, MaxPool2d, PixelShuffle,
                     Unflatten, Upsample, ZeroPad2d)
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, DiceLoss, GaussianNLLLoss, HuberLoss,
                   KLDivLoss, L1Loss, MarginRankingLoss, MSELoss, NLLLoss, PoissonNLLLoss, SmoothL1Loss, TripletMarginLoss)
from .module import Module
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)
from .normalization import BatchNorm1d, BatchNorm2d, Embedding, GroupNorm, InstanceNorm2d, LayerNorm

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
           "TransformerDecoder", "Transformer"]
