"""cajal runs on the CPU; this mirrors torch.cuda for code that checks for a GPU."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """No GPU to seed; accepted so that torch-style seeding code runs."""


manual_seed_all = manual_seed
