"""ctypes releases the GIL during every call, so the engine runs Python
threads truly in parallel; distinct tensors must work from all of them."""

import threading

import cajal as torch


def test_parallel_training_on_distinct_tensors():
    results = {}
    errors = []

    def worker(k):
        try:
            x = torch.tensor([[i / 100, 1.0] for i in range(100)])  # features t and 1
            y = x @ torch.tensor([[float(k)], [1.0]])
            w = torch.zeros(2, 1, requires_grad=True)
            for _ in range(2000):
                loss = ((x @ w - y) ** 2).mean()
                loss.backward()
                with torch.no_grad():
                    w -= 0.5 * w.grad
                w.grad = None
            results[k] = w.detach().reshape(2).tolist()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k in range(6):
        assert abs(results[k][0] - k) < 0.05 and abs(results[k][1] - 1.0) < 0.05, results[k]


def test_errors_stay_on_their_thread():
    messages = {}

    def worker(k):
        try:
            torch.ones(k + 2) + torch.ones(k + 3)
        except RuntimeError as error:
            messages[k] = str(error)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert f"({k + 2}) and ({k + 3})" in messages[k]
