"""One trial end to end: search -> draw -> prune -> fine-tune -> attack, with checkpoints.

Independent of Ray: `report(metrics, checkpoint_folder_or_None)` is called at every convergence
check, at the end of the search, after each fine-tune epoch and at the end.  The work folder holds
the checkpoint; a trial given a folder with a checkpoint resumes at its last phase boundary.
An `Observer` (the time-to-robustness benchmark's curve) sees the model `per_epoch` times an epoch of
fine-tuning; it must leave the model and the RNG as it found them.  A resumed trial shows it the model
again from its last epoch boundary.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path
from typing import Callable, Protocol

from trainables import adversarial
from trainables.attacks.robustness import evaluate_robustness
from trainables.compute import device, evaluate_accuracy
from trainables.config import validate_config
from trainables.convergence import make_rule
from trainables.data.batching import make_loader
from trainables.data.dataset_tables import label_names, pair_columns
from trainables.data.datasets import load_split, num_labels, subset
from trainables.data.models import load_model, load_tokenizer
from trainables.earlyrobust import checkpoint as ckpt
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.finetune import finetune
from trainables.earlyrobust.pruning import prune_model, save_pruned
from trainables.earlyrobust.search import SearchSettings, run_search
from trainables.earlyrobust.tickets import Ticket, full_ticket
from trainables.phase_clock import PhaseClock
from trainables.search_reports import check_metrics, searched_metrics
from trainables.search_sharing import shareable, shared_ticket

Report = Callable[[dict, "Path | None"], None]
SEARCHED_WEIGHTS = "searched.safetensors"
FT_WEIGHTS = "finetuned.safetensors"
FINAL = "final"


class Observer(Protocol):
    """What watches a trial's fine-tuning from outside the method: `observe(epoch, model, cost)` runs
    `per_epoch` times an epoch (at even fractions of it, outside the timed training)."""

    per_epoch: int

    def observe(self, epoch: float, model, cost: CostMeter) -> None: ...


class Trial:
    def __init__(
        self,
        config: dict,
        workdir: str | Path,
        report: Report | None = None,
        dense: bool = False,
        recordings=None,
        observer: Observer | None = None,
    ):
        self.cfg = validate_config(config)
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dense = dense
        self.observer = observer
        # shared recorded searches (`get(key, record) -> (snapshots, recorded_here)`), or None: search alone
        self.recordings = recordings if recordings is not None and shareable(self.cfg) else None
        self.clock = PhaseClock()
        sink = report or (lambda metrics, folder: None)
        self.report = lambda metrics, folder: sink({**metrics, **self.clock.numbers(metrics.get("phase", ""))}, folder)
        self.dev = device()
        cfg = self.cfg
        self.tokenizer = load_tokenizer(cfg["model"])
        train = load_split(cfg["dataset"], "train", cfg["data_dir"])
        self.num_labels = num_labels(cfg["dataset"], train)
        self.label_names = label_names(train)  # string labels: the ticket maps class ids back to them
        self.pair_columns = pair_columns(train)
        self.train = subset(train, cfg["train_size"], cfg["seed"])
        self.eval = subset(
            load_split(cfg["dataset"], cfg["eval_split"], cfg["data_dir"]), cfg["eval_size"], cfg["seed"]
        )
        self.state = ckpt.read_state(self.dir)
        self.cost = CostMeter.from_dict(self.state["cost"]) if "cost" in self.state else CostMeter()

    # -- pieces ---------------------------------------------------------------------------
    def loader(self, ds, shuffle: bool, seed_offset: int = 0):
        cfg = self.cfg
        return make_loader(ds, self.tokenizer, cfg["batch_size"], cfg["max_length"], shuffle, cfg["seed"] + seed_offset)

    def fresh_model(self):
        """The pre-trained weights plus the seeded classifier head (the reference's checkpoint-0)."""
        model = load_model(self.cfg["model"], self.num_labels, self.cfg["seed"]).to(self.dev)
        if self.label_names:
            model.config.id2label = dict(enumerate(self.label_names))
            model.config.label2id = {name: i for i, name in enumerate(self.label_names)}
        if self.pair_columns:  # the ticket takes a pair: its model says so (config.json), for serving
            model.config.text_pair_columns = list(self.pair_columns)
        return model

    def rule(self):
        """A fresh convergence rule with this trial's ε and window."""
        return make_rule(self.cfg["conv_rule"], self.cfg["conv_eps"], self.cfg["conv_window"])

    def save_state(self, **changes) -> None:
        self.state.update(changes, cost=self.cost.to_dict())
        ckpt.write_state(self.dir, **self.state)

    # -- phases ---------------------------------------------------------------------------
    def search(self) -> Ticket:
        if "ticket" in self.state:
            return Ticket(**self.state["ticket"])
        cfg = self.cfg
        self.clock.begin("search")
        rule = self.rule()
        if self.recordings is not None:
            ticket = shared_ticket(self, rule)
            if ticket is not None:
                return ticket
            rule = self.rule()  # search alone (see below)
        model = self.fresh_model()
        result = run_search(
            model,
            self.loader(self.train, True),
            SearchSettings.from_config(cfg),
            adversarial.from_config(cfg),
            rule,
            self.cost,
            self.dev,
            self.report_check,
        )
        if cfg["ft_init"] == "searched":
            ckpt.save_weights(model, self.dir / SEARCHED_WEIGHTS)
        (self.dir / "distances.json").write_text(json.dumps(result.checks))
        result.ticket.save(self.dir / "ticket.json")
        last = result.checks[-1] if result.checks else {}
        self.save_state(
            ticket=json.loads(result.ticket.to_json()),
            search_epochs=result.epochs,
            mask_distance=max(last.get("head_window", math.nan), last.get("ffn_window", math.nan)),
        )
        self.report(self.search_metrics(), self.dir)
        return result.ticket

    def report_check(self, record: dict, flops: float | None = None) -> None:
        self.report(check_metrics(record, self.cost.train_flops if flops is None else flops), None)

    def search_metrics(self) -> dict:
        return searched_metrics(self.state, self.cost)

    def ticket_model(self, ticket: Ticket | None):
        model = self.fresh_model()
        if ticket is not None and self.cfg["ft_init"] == "searched":
            ckpt.load_weights(model, self.dir / SEARCHED_WEIGHTS)
        dense_cost = ModelCost.of(model)
        if ticket is not None:
            with self.cost.timed("prune"):
                prune_model(model, ticket)
        self.state["param_sparsity"] = 1.0 - ModelCost.of(model).non_embedding_params / dense_cost.non_embedding_params
        return model, dense_cost

    def run_finetune(self, ticket: Ticket | None):
        cfg = self.cfg
        model, dense_cost = self.ticket_model(ticket)
        start = self.state.get("ft_epoch", 0)
        self.clock.begin("finetune", start)
        train_loader = self.loader(self.train, True, seed_offset=1)
        opt_state = None
        if start:  # continue exactly: weights, optimizer, data order and RNG as after epoch `start`
            ckpt.load_weights(model, self.dir / FT_WEIGHTS)
            opt_state = ckpt.load_optimizer_state(self.dir, self.dev)
            ckpt.load_rng(train_loader.generator, self.dir)
        adversary = None if cfg["ft_mode"] == "ce" else adversarial.from_config(cfg, cfg["ft_mode"])
        if start:
            ckpt.load_adversary(adversary, self.dir, self.dev)
        reference = adversarial.make_adversary("freelb", cfg["dense_ref_steps"], cfg["adv_lr"], cfg["adv_init_mag"])
        eval_loader = self.loader(self.eval, False)
        mark = None if self.observer is None else (lambda epoch: self.observer.observe(epoch, model, self.cost))

        def on_epoch(epoch, optimizer, loss):
            if mark is not None:  # before the checkpoint: a trial stopped while measuring measures again
                mark(epoch)
            acc = evaluate_accuracy(model, eval_loader, self.dev)  # draws from the global RNG (loader seed)
            ckpt.save_rng(train_loader.generator, self.dir)  # after it: epoch+1 starts from exactly this state
            ckpt.save_weights(model, self.dir / FT_WEIGHTS)
            ckpt.save_optimizer(optimizer, self.dir)
            ckpt.save_adversary(adversary, self.dir)
            self.save_state(ft_epoch=epoch, eval_acc=acc)
            self.report(
                {
                    **self.search_metrics(),
                    "phase": "finetune",
                    "ft_epoch": epoch,
                    "eval_acc": acc,
                    "ft_loss": loss,
                    "train_flops": self.cost.train_flops,
                    "train_seconds": self.cost.train_seconds,
                    "speedup_vs_dense": self.cost.speedup_vs_dense,
                },
                self.dir,
            )

        finetune(
            model,
            train_loader,
            cfg["ft_epochs"],
            cfg["ft_lr"],
            cfg["ft_weight_decay"],
            self.cost,
            self.dev,
            adversary,
            (dense_cost, reference),
            on_epoch,
            start,
            opt_state,
            on_mark=mark,
            marks_per_epoch=self.observer.per_epoch if self.observer is not None else 1,
            adv_share=cfg["ft_adv_share"],
            adv_at=cfg["ft_adv_at"],
        )
        if cfg["ft_epochs"] == 0:
            self.state["eval_acc"] = evaluate_accuracy(model, eval_loader, self.dev)
        return model

    def attack(self, model) -> dict:
        cfg = self.cfg
        last, entered = [0.0], time.monotonic()

        # to Tune's table: each report waits for the driver, so the first, the last and one each 30 s
        def progress(done: int, total: int) -> None:
            if not last[0]:  # the first example this process attacks (a resumed attack starts further on)
                self.clock.begin("attack", done - 1, at=entered)
            elif done != total and time.monotonic() - last[0] < 30:
                return
            last[0] = time.monotonic()
            self.report({"phase": "attack", "attack_done": done, "attack_total": total}, None)

        with self.cost.timed("attack"):
            return evaluate_robustness(
                model, self.tokenizer, cfg, cfg["attack_split"], self.dir / "attack.jsonl", self.dev, progress
            )

    def run(self) -> dict:
        if self.state.get("done"):  # restored from the final checkpoint: nothing left to do
            self.report(self.state["result"], self.dir)
            return self.state["result"]
        self.report({"phase": "started", "train_flops": self.cost.train_flops}, None)
        ticket = None if self.dense else self.search()
        model = self.run_finetune(ticket)
        model.eval()
        result = {
            **self.search_metrics(),
            **self.attack(model),
            "eval_acc": self.state.get("eval_acc", math.nan),
            "train_flops": self.cost.train_flops,
            "train_seconds": self.cost.train_seconds,
            "speedup_vs_dense": self.cost.speedup_vs_dense,
            "phase": "done",
        }
        # the final checkpoint: the ticket model (the dense baseline saves as a ticket that keeps
        # everything: one format to load and register) and the results, without resume state
        final = self.dir / FINAL
        save_pruned(model, ticket or full_ticket(model), final / "ticket_model", self.tokenizer, self.cfg["max_length"])
        self.save_state(done=True, result=result)
        for name in (
            ckpt.STATE,
            "ticket.json",
            "distances.json",
            "attack.html",
            *(p.name for p in self.dir.glob("attack*.jsonl")),
        ):
            if (self.dir / name).exists():
                shutil.copy2(self.dir / name, final / name)
        self.report(result, final)
        return result


def run_trial(config: dict, workdir: str | Path, report: Report | None = None, dense: bool = False) -> dict:
    return Trial(config, workdir, report, dense).run()
