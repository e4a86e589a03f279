"""Disease-mention tagging with a BiLSTM: each token of a clinical-style
sentence gets a BIO tag (O, B-DISEASE, I-DISEASE), as in the NCBI-disease
and BC5CDR named-entity tasks.

Sentences come from templates filled with disease names of one to four
tokens and with distractors (drugs, genes, organs) in the same slots, so
the tagger must use both the words and their context. A quarter of the
disease names never appear in training: finding those takes context.
Batches are padded (index 0) and packed; padded positions carry the label
-100, which CrossEntropyLoss(ignore_index=-100) skips.

    python examples/rnn/bilstm_disease_tagger.py [--epochs N] [--quick] [--seed S]
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
from cajal.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

DISEASES = ["breast cancer", "type 2 diabetes", "cystic fibrosis", "alzheimer 's disease", "asthma", "tuberculosis",
            "chronic kidney disease", "parkinson 's disease", "hepatitis b", "multiple sclerosis", "sickle cell anemia",
            "colorectal cancer", "huntington 's disease", "lupus", "rheumatoid arthritis", "non small cell lung cancer",
            "malaria", "heart failure", "leukemia", "hypertension", "crohn 's disease", "melanoma", "epilepsy",
            "duchenne muscular dystrophy", "glioblastoma", "osteoporosis", "ovarian cancer", "psoriasis"]
OTHERS = ["metformin", "insulin", "brca1", "tp53", "aspirin", "the liver", "the kidney", "cisplatin", "egfr",
          "tamoxifen", "the lung", "apoe", "vitamin d", "ibuprofen", "the heart", "kras"]
TEMPLATES = ["patients with {} were treated with {}", "{} is associated with mutations in {}",
             "we studied {} in a cohort of 200 adults", "the risk of {} increased after exposure to {}",
             "a case of {} presenting with fever", "{} was diagnosed in 12 % of the children",
             "expression of {} was reduced in {}", "no evidence of {} was found", "{} and {} share risk factors",
             "treatment of {} with {} improved survival", "mice lacking {} developed {}",
             "screening for {} is recommended for smokers"]
TAGS = {"O": 0, "B": 1, "I": 2}


def sentence(rng, diseases):
    template = TEMPLATES[rng.integers(len(TEMPLATES))]
    tokens, tags = [], []
    for i, piece in enumerate(template.split("{}")):
        words = piece.split()
        tokens += words
        tags += ["O"] * len(words)
        if i < template.count("{}"):
            # Slots take a disease two times in three, a distractor otherwise.
            if rng.uniform() < 0.67:
                name = diseases[rng.integers(len(diseases))].split()
                tokens += name
                tags += ["B"] + ["I"] * (len(name) - 1)
            else:
                name = OTHERS[rng.integers(len(OTHERS))].split()
                tokens += name
                tags += ["O"] * len(name)
    return tokens, tags


def entities(tags):
    """(start, end) spans of B I* runs."""
    spans, start = set(), None
    for i, tag in enumerate(list(tags) + ["O"]):
        if start is not None and tag != "I":
            spans.add((start, i))
            start = None
        if tag == "B":
            start = i
    return spans


class Tagger(nn.Module):
    def __init__(self, vocabulary, embedding=32, hidden=48, tags=3):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding, padding_idx=0)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        output, _ = self.lstm(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=tokens.shape[1])
        return self.out(output)  # (batch, length, tags)


def encode(batch, vocabulary):
    """Token ids padded with 0 (unknown words are 1), tags padded with -100, and the lengths."""
    ids = [torch.tensor([vocabulary.get(w, 1) for w in tokens]) for tokens, _ in batch]
    tags = [torch.tensor([TAGS[t] for t in tags]) for _, tags in batch]
    return (pad_sequence(ids, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100),
            [len(tokens) for tokens, _ in batch])


def evaluate(model, sentences, vocabulary):
    model.eval()
    tokens, tags, lengths = encode(sentences, vocabulary)
    with torch.no_grad():
        predicted = model(tokens, lengths).argmax(dim=2).tolist()
    model.train()
    names = {v: k for k, v in TAGS.items()}
    found = expected = correct = 0
    for (_, gold), guess, n in zip(sentences, predicted, lengths):
        gold_spans, guess_spans = entities(gold), entities([names[g] for g in guess[:n]])
        found, expected, correct = found + len(guess_spans), expected + len(gold_spans), correct + len(gold_spans & guess_spans)
    precision, recall = correct / max(found, 1), correct / max(expected, 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs, count = (4, 1500) if args.quick else (args.epochs, 4000)

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    diseases = list(rng.permutation(DISEASES))
    seen, unseen = diseases[:21], diseases[21:]
    train = [sentence(rng, seen) for _ in range(count)]
    test_seen = [sentence(rng, seen) for _ in range(300)]
    test_unseen = [sentence(rng, unseen) for _ in range(300)]
    vocabulary = {"<pad>": 0, "<unk>": 1}
    for tokens, _ in train:
        for w in tokens:
            vocabulary.setdefault(w, len(vocabulary))

    model = Tagger(len(vocabulary))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(train))
        total = 0.0
        for i in range(0, len(train), 32):
            tokens, tags, lengths = encode([train[j] for j in order[i:i + 32]], vocabulary)
            optimizer.zero_grad()
            # Unknown-word dropout: some training words become <unk>, as unseen names will be.
            tokens = torch.where((torch.rand(*tokens.shape) < 0.1) & (tokens > 1), torch.ones_like(tokens), tokens)
            loss = criterion(model(tokens, lengths).reshape(-1, 3), tags.reshape(-1))
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch + 1:2d}  loss {total / (len(train) / 32):.3f}  "
              f"entity F1 {evaluate(model, test_seen, vocabulary):.3f} (seen names)")
    seen_f1, unseen_f1 = evaluate(model, test_seen, vocabulary), evaluate(model, test_unseen, vocabulary)
    print(f"held-out entity F1 {seen_f1:.3f} with names seen in training, {unseen_f1:.3f} with unseen names "
          f"in {time.perf_counter() - start:.1f} s")
    return seen_f1, unseen_f1


if __name__ == "__main__":
    main()
