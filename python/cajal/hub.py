"""torch.hub: cajal downloads nothing. Loading a published model needs its
weights file: torch.hub.load_state_dict_from_url's file, saved once with
internet access, loads with cajal.load."""


def _refuse(name):
    raise RuntimeError(f"cajal.hub.{name}: cajal uses no network and has no model zoo; download the weights file "
                       "(a .pt/.pth or .safetensors file) and read it with cajal.load")


def load(*args, **kwargs):
    _refuse("load")


def load_state_dict_from_url(*args, **kwargs):
    _refuse("load_state_dict_from_url")


def list(*args, **kwargs):  # noqa: A001 - torch's name
    _refuse("list")


def help(*args, **kwargs):  # noqa: A001 - torch's name
    _refuse("help")
