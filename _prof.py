import cProfile
import pstats
import time

import torch

from trainables.attacks import make_attack
from trainables.attacks.runner import run_attack
from trainables.attacks.victim import Victim
from trainables.data.datasets import load_split
from trainables.data.models import load_model, load_tokenizer

torch.manual_seed(0)
tok, model = load_tokenizer("minilm"), load_model("minilm", 2)
model.eval()
dev = load_split("sst2", "validation")
import sys

name = sys.argv[1]
v = Victim(model, tok, 64)
run_attack(make_attack(name, seed=0), v, list(dev["text"]), list(dev["label"]), 8, "/tmp/warm.jsonl", width=32)
pr = cProfile.Profile(); pr.enable()
t = time.perf_counter()
s = run_attack(make_attack(name, seed=0), v, list(dev["text"]), list(dev["label"]), 60, "/tmp/prof.jsonl", width=32)
print(time.perf_counter()-t, v.queries)
pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
