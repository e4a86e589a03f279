"""DataLoader and the default collate, as torch.utils.data.

Loading runs in the calling process: num_workers is accepted for torch
compatibility and ignored. A TensorDataset (or a Subset of one) with the
default collate is batched by indexing each tensor once per batch instead of
collating sample by sample; the batches are the same as torch's.
"""

import collections.abc
import math

from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _random_seed

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]


def _numpy_array_type(elem):
    kind = type(elem)
    return kind.__module__ == "numpy" and kind.__name__ in ("ndarray", "memmap")


def _numpy_scalar_type(elem):
    kind = type(elem)
    return kind.__module__ == "numpy" and not _numpy_array_type(elem)


def _check_numpy_dtype(elem):
    if elem.dtype.kind in "SaUO":
        raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                        f"found {elem.dtype}")


def default_collate(batch):
    """Stacks tensors and arrays, makes tensors of numbers, and recurses into dicts, tuples and lists."""
    from ... import as_tensor, stack, tensor
    from ..._tensor import Tensor

    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if _numpy_array_type(elem):
        import numpy

        _check_numpy_dtype(elem)
        return as_tensor(numpy.stack(batch))
    if _numpy_scalar_type(elem):
        import numpy

        return as_tensor(numpy.asarray(batch))
    if isinstance(elem, float):
        from ..._dtype import float64

        return tensor(batch, dtype=float64)
    if isinstance(elem, int):  # bool too: tensor() keeps it bool, as torch's does
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            return type(elem)([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found "
                    f"{type(elem)}")


def default_convert(data):
    """Without batching: numpy arrays and numpy numbers become tensors, containers are converted inside."""
    from ... import as_tensor

    if _numpy_array_type(data):
        return data if data.dtype.kind in "SaUO" else as_tensor(data)
    if _numpy_scalar_type(data):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def get_worker_info():
    """None: loading always runs in the main process."""
    return None


def _tensor_rows(dataset):
    """(tensors, index map) when every sample is a row of the same tensors: a
    TensorDataset or Subsets of one whose item access was not overridden."""
    mapping = None
    while type(dataset) is Subset:
        indices = list(dataset.indices)
        mapping = indices if mapping is None else [indices[i] for i in mapping]
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset) and type(dataset).__getitem__ is TensorDataset.__getitem__:
        return dataset.tensors, mapping
    return None


class DataLoader:
    """Iterates over a dataset in batches: shuffling, samplers, drop_last and collate_fn as in torch."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        self.dataset, self.num_workers, self.pin_memory, self.timeout = dataset, num_workers, pin_memory, timeout
        self.worker_init_fn, self.generator, self.persistent_workers = worker_init_fn, generator, persistent_workers
        self.prefetch_factor, self.multiprocessing_context = prefetch_factor, multiprocessing_context
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.sampler, self.batch_sampler = batch_size, drop_last, sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        self._default_collate = collate_fn is None
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self.batch_sampler if self._auto_collation else self.sampler)

    def __iter__(self):
        # torch draws a base seed for its workers from the loader's generator
        # at the start of every epoch; drawing it too keeps the random streams aligned.
        _random_seed(self.generator)
        if self._iterable:
            return self._iterate_iterable()
        return self._iterate_map()

    def _iterate_map(self):
        dataset, collate = self.dataset, self.collate_fn
        if not self._auto_collation:
            for index in self.sampler:
                yield collate(dataset[index])
            return
        rows = _tensor_rows(dataset) if self._default_collate else None
        if rows is not None:
            from ... import tensor

            tensors, mapping = rows
            for indices in self.batch_sampler:
                if mapping is not None:
                    indices = [mapping[i] for i in indices]
                index = tensor(indices)
                yield [t[index] for t in tensors]
            return
        fetch_many = getattr(dataset, "__getitems__", None)
        for indices in self.batch_sampler:
            samples = fetch_many(indices) if fetch_many is not None else [dataset[i] for i in indices]
            yield collate(samples)

    def _iterate_iterable(self):
        collate = self.collate_fn
        if not self._auto_collation:
            for sample in self.dataset:
                yield collate(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)
