"""cajal.utils.data: loading orders against torch's (fixtures/training/optim.json 'data'), collate, datasets, errors."""

import json
import os
from collections import namedtuple

import pytest

import cajal
from cajal.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
                              SequentialSampler, Subset, TensorDataset, WeightedRandomSampler, default_collate,
                              random_split)
from reference import FIXTURES

with open(os.path.join(FIXTURES, "training", "optim.json")) as f:
    DATA = json.load(f)["data"]


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_loader_order_matches_torch(case):
    """Same seed, same batches, and the random stream left where torch leaves it."""
    lib = cajal
    names = {name: getattr(lib.utils.data, name) for name in lib.utils.data.__all__}
    lib.manual_seed(case["seed"])
    ds = TensorDataset(lib.arange(DATA["size"]))
    loader = eval(case["loader"], dict(names, lib=lib, ds=ds))  # noqa: S307 - the fixture's expression
    batches = [[batch[0].tolist() for batch in loader] for _ in range(case["epochs"])]
    assert batches == case["batches"]
    assert len(loader) == case["len"]
    assert lib.randn(3).tolist() == pytest.approx(case["randn_after"], rel=1e-6)


def test_tensor_dataset_batches_are_rows():
    X = cajal.arange(12.0).reshape(6, 2)
    y = cajal.tensor([0, 1, 0, 1, 1, 0])
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    batches = list(loader)
    assert isinstance(batches[0], list) and len(batches) == 2
    assert batches[0][0].tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]
    assert batches[1][1].tolist() == [1, 0] and batches[1][1].dtype is cajal.int64


class Squares(Dataset):
    """A map-style dataset of Python structures, collated sample by sample."""

    Point = namedtuple("Point", "x y")

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"value": float(i * i), "label": i % 2, "name": f"s{i}", "flag": i > 2,
                "point": self.Point(cajal.tensor([i, i]), i), "pair": (cajal.ones(2) * i, [i, -i])}


def test_default_collate_structures():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert batch["value"].dtype is cajal.float64 and batch["value"].tolist() == [0.0, 1.0, 4.0]
    assert batch["label"].dtype is cajal.int64 and batch["label"].tolist() == [0, 1, 0]
    assert batch["flag"].dtype is cajal.bool and batch["flag"].tolist() == [False, False, False]
    assert batch["name"] == ["s0", "s1", "s2"]
    assert isinstance(batch["point"], Squares.Point) and batch["point"].x.shape == (3, 2)
    assert batch["point"].y.tolist() == [0, 1, 2]
    pair = batch["pair"]
    assert isinstance(pair, list) and pair[0].tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    assert [t.tolist() for t in pair[1]] == [[0, 1, 2], [0, -1, -2]]


def test_default_collate_numpy():
    np = pytest.importorskip("numpy")
    batch = default_collate([np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)])
    assert batch.dtype is cajal.float32 and batch.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert default_collate([np.int64(3), np.int64(4)]).tolist() == [3, 4]
    with pytest.raises(TypeError, match="default_collate"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_collate_errors():
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        default_collate([object(), object()])


def test_custom_collate_and_no_batching():
    loader = DataLoader(Squares(), batch_size=2, collate_fn=lambda samples: [s["label"] for s in samples])
    assert list(loader) == [[0, 1], [0, 1], [0]]
    unbatched = list(DataLoader(TensorDataset(cajal.arange(3)), batch_size=None))
    assert [s[0].item() for s in unbatched] == [0, 1, 2]


class Countdown(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n, 0, -1))

    def __len__(self):
        return self.n


def test_iterable_dataset_batches():
    assert [b.tolist() for b in DataLoader(Countdown(5), batch_size=2)] == [[5, 4], [3, 2], [1]]
    assert [b.tolist() for b in DataLoader(Countdown(5), batch_size=2, drop_last=True)] == [[5, 4], [3, 2]]
    assert len(DataLoader(Countdown(5), batch_size=2)) == 3
    assert [int(v) for v in (Countdown(2) + Countdown(1))] == [2, 1, 1]


def test_concat_subset_and_random_split():
    a, b = TensorDataset(cajal.arange(3)), TensorDataset(cajal.arange(10, 12))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert [both[i][0].item() for i in range(5)] == [0, 1, 2, 10, 11] and both[-1][0].item() == 11
    with pytest.raises(IndexError):
        both[5]
    sub = Subset(both, [4, 0])
    assert [sub[i][0].item() for i in range(2)] == [11, 0]
    parts = random_split(range(10), [0.5, 0.3, 0.2], generator=cajal.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [5, 3, 2]
    assert sorted(i for p in parts for i in p) == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])


def test_loader_over_subset_of_tensor_dataset_uses_rows():
    ds = TensorDataset(cajal.arange(10.0) * 2)
    sub = Subset(Subset(ds, [9, 8, 7, 6, 5]), [4, 0, 2])
    assert [b[0].tolist() for b in DataLoader(sub, batch_size=2)] == [[10.0, 18.0], [14.0]]


def test_weighted_sampler_follows_the_weights():
    cajal.manual_seed(0)
    draws = list(WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=4000))
    assert 0 not in draws
    share = draws.count(2) / len(draws)
    assert 0.72 < share < 0.78  # 3/4 expected; 4000 draws put 0.72-0.78 beyond 5 standard deviations
    without = list(WeightedRandomSampler([1.0, 1.0, 5.0, 0.0], num_samples=3, replacement=False))
    assert sorted(without) == [0, 1, 2]


def test_samplers_lengths_and_batches():
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    assert list(BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(BatchSampler(SequentialSampler(range(7)), 3, drop_last=True)) == 2
    assert len(RandomSampler(range(7), replacement=True, num_samples=11)) == 11


@pytest.mark.parametrize("make, error, message", [
    (lambda ds: DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True), ValueError, "mutually exclusive with shuffle"),
    (lambda ds: DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 2, False), batch_size=3), ValueError,
     "batch_sampler option is mutually exclusive"),
    (lambda ds: DataLoader(ds, batch_size=None, drop_last=True), ValueError, "mutually exclusive with drop_last"),
    (lambda ds: DataLoader(Countdown(3), shuffle=True), ValueError, "expected unspecified shuffle option"),
    (lambda ds: DataLoader(ds, num_workers=-1), ValueError, "num_workers option should be non-negative"),
    (lambda ds: BatchSampler(SequentialSampler(ds), 0, False), ValueError, "batch_size should be a positive integer"),
    (lambda ds: RandomSampler(ds, num_samples=0), ValueError, "num_samples should be a positive integer"),
    (lambda ds: WeightedRandomSampler([[1.0, 2.0]], 3), ValueError, "weights should be a 1d sequence"),
    (lambda ds: TensorDataset(cajal.ones(3), cajal.ones(4)), AssertionError, "Size mismatch between tensors"),
])
def test_bad_loader_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(TensorDataset(cajal.arange(6)))


def test_multinomial_bad_inputs():
    with pytest.raises(RuntimeError, match=r"\[multinomial\] probability tensor contains"):
        cajal.multinomial(cajal.tensor([1.0, -1.0]), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        cajal.multinomial(cajal.tensor([0.0, 0.0]), 1, True)
    with pytest.raises(RuntimeError, match="without replacement"):
        cajal.multinomial(cajal.tensor([1.0, 1.0]), 3)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        cajal.multinomial(cajal.tensor([1.0, 0.0, 0.0]), 2)
    with pytest.raises(RuntimeError, match="1 or 2 dim"):
        cajal.multinomial(cajal.ones(2, 2, 2), 1)
