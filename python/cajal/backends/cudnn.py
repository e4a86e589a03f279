"""torch.backends.cudnn: no cuDNN on a CPU engine. The flags notebooks set
for reproducibility (deterministic, benchmark, enabled) are accepted and
kept; they change nothing, since cajal's CPU kernels are deterministic."""

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
