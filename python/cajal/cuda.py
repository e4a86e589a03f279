"""cajal runs on the CPU; this mirrors torch.cuda for code that checks for a GPU."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """No GPU to seed; accepted so that torch-style seeding code runs."""


manual_seed_all = manual_seed


def empty_cache():
    """No GPU memory to free; accepted (the CPU buffer cache is backends.cpu.empty_cache)."""


def synchronize(device=None):
    """Nothing runs asynchronously on the CPU; accepted."""


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def current_device():
    raise RuntimeError("cajal runs on the CPU: there is no CUDA device (torch.cuda.is_available() is False)")
