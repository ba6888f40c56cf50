"""More bad input, as a new user types it: broken data files of every format, broken space files of
every section, every flag out of range.  Each is refused with one line and exit code 2 before
anything exists (no sweep folder, no MLflow store, no Ray).  Run in-process: `main()` returns the
exit code (the CLI cases in test_sweep_errors.py cover the subprocess path)."""

import importlib.util
import re
import socket
from pathlib import Path

import pytest

from platform.sweep import main, parser

DATA = {  # name -> bytes
    "binary.csv": b"\xff\xfe\x00\x81garbage\x00\xc3\x28",
    "binary.tsv": b"sentence\tlabel\n\xff\xfe\x00\x81\t1\n",
    "broken.jsonl": b'{"text": "good", "label": 1}\n{"text": "bad", "label"\n',
    "broken.json": b'[{"text": "good", "label": 1}, {"text": ',
    "fake.parquet": b"text,label\ngood,1\n",
    "empty.tsv": b"",
    "oneclass.csv": b"text,label\n" + b"".join(b"film %d,0\n" % i for i in range(40)),
    "float_labels.csv": b"text,label\ngood,0.5\nbad,1\n",
    "negative_labels.csv": b"text,label\ngood,-1\nbad,1\n",
    "notext.jsonl": b'{"review_body": "good", "label": 1}\n',
    "nolabel.tsv": b"sentence\tstars\ngood\t5\n",
    "data.txt": b"good 1\n",
    "unseen/train.csv": b"text,label\n" + b"".join(b"film %d,%d\n" % (i, i % 2) for i in range(40)),
    "unseen/validation.csv": b"text,label\ngood,2\nbad,1\n",
    "unseen/test.csv": b"text,label\ngood,0\nbad,1\n",
    "notrain/validation.csv": b"text,label\ngood,0\nbad,1\n",
    "empty.csv": b"text,label\n",
    "nolabel.csv": b"text,stars\ngood,5\n",
    "gpt2/config.json": b'{"model_type": "gpt2", "n_layer": 1, "n_embd": 16, "n_head": 2}',
}
SPACES = {  # name -> text (or bytes)
    "binary.yaml": b"fixed:\n  model: \xff\xfe tiny\n",
    "nul.yaml": "fixed:\n  model: tiny\x00bert\n",
    "list.yaml": "- model: tiny-bert\n",
    "section.yaml": "params:\n  model: tiny-bert\n",
    "fixed_list.yaml": "fixed:\n  - model\n",
    "search_list.yaml": "search: [head_ratio]\n",
    "normal.yaml": "search:\n  lr: {normal: [0, 1]}\n",
    "hi_lo.yaml": "search:\n  ffn_ratio: {uniform: [0.5, 0.1]}\n",
    "log_zero.yaml": "search:\n  lr: {loguniform: [0, 0.1]}\n",
    "choice_empty.yaml": "search:\n  head_ratio: {choice: []}\n",
    "choice_bad.yaml": "search:\n  head_ratio: {choice: [0.2, 1.5]}\n",
    "both.yaml": "fixed:\n  head_ratio: 0.2\nsearch:\n  head_ratio: {uniform: [0.1, 0.3]}\n",
    "sweep_type.yaml": "sweep:\n  num_samples: many\n",
    "sweep_key.yaml": "sweep:\n  workers: 3\n",
    "sweep_trainable.yaml": "sweep:\n  trainable: magic\n",
    "attack_n_range.yaml": "fixed:\n  model: tiny-bert\n  attack_n: 16\nsearch:\n  attack_n: {randint: [800, 900]}\n",
    "attack_n_searched.yaml": "fixed:\n  model: tiny-bert\nsearch:\n  attack_n: {randint: [800, 900]}\n",
    "unknown_key.yaml": "fixed:\n  modle: tiny-bert\n",
    "bad.yaml": "fixed:\n  model: tiny-bert\n   lr: [1\n",
}
SMOKE = ["--space", "smoke"]
CASES = [
    # data files, every format
    (SMOKE + ["--set", "dataset={binary.csv}"], "cannot be read as csv"),
    (SMOKE + ["--set", "dataset={binary.tsv}"], "cannot be read as tsv"),
    (SMOKE + ["--set", "dataset={broken.jsonl}"], "cannot be read as jsonl"),
    (SMOKE + ["--set", "dataset={broken.json}"], "cannot be read as json"),
    (SMOKE + ["--set", "dataset={fake.parquet}"], "cannot be read as parquet"),
    (SMOKE + ["--set", "dataset={empty.tsv}"], "cannot be read as tsv"),
    (SMOKE + ["--set", "dataset={oneclass.csv}"], "the training split has one class only (label 0)"),
    (SMOKE + ["--set", "dataset={float_labels.csv}"], "column 'label' must hold integers"),
    (SMOKE + ["--set", "dataset={negative_labels.csv}"], "column 'label' must hold integers"),
    (SMOKE + ["--set", "dataset={notext.jsonl}"], "has no text column"),
    (SMOKE + ["--set", "dataset={nolabel.tsv}"], "has no 'label' column"),
    (SMOKE + ["--set", "dataset={data.txt}"], "has an unsupported type"),
    (SMOKE + ["--set", "dataset={unseen}"], "split 'validation' has label 2, which the training split never has"),
    (SMOKE + ["--set", "dataset={notrain}"], "has no train file"),
    # space files, every section
    (["--space", "{binary.yaml}"], "is not UTF-8 text"),
    (["--space", "{nul.yaml}"], "is not valid YAML"),
    (["--space", "{list.yaml}"], "must be a mapping with sections"),
    (["--space", "{section.yaml}"], "unknown section 'params'"),
    (["--space", "{fixed_list.yaml}"], "section 'fixed' must be a mapping"),
    (["--space", "{search_list.yaml}"], "section 'search' must be a mapping"),
    (["--space", "{normal.yaml}"], "parameter 'lr' must be one of {uniform: [lo, hi]}"),
    (["--space", "{hi_lo.yaml}"], "uniform needs lo < hi"),
    (["--space", "{log_zero.yaml}"], "loguniform needs lo > 0"),
    (["--space", "{choice_empty.yaml}"], "choice takes a list of values"),
    (["--space", "{choice_bad.yaml}"], "'head_ratio' = 1.5 is not allowed"),
    (["--space", "{both.yaml}"], "parameter 'head_ratio' is both fixed and searched"),
    (["--space", "{sweep_type.yaml}"], "sweep setting 'num_samples' = 'many' must be a int"),
    (["--space", "{sweep_key.yaml}"], "unknown sweep setting 'workers'"),
    (["--space", "{sweep_trainable.yaml}"], "sweep setting 'trainable' must be one of ticket, dense"),
    (
        ["--space", "{attack_n_searched.yaml}"],
        "'attack_n' = 900 is larger than dataset 'sst2' split 'validation' (872 rows)",
    ),
    # settings a trial would meet only deep inside
    (
        SMOKE + ["--set", "max_length=1000"],
        "'max_length' = 1000 is longer than model 'tiny-bert' can position (128 tokens)",
    ),
    (SMOKE + ["--set", "attack_n=5000"], "'attack_n' = 5000 is larger than dataset 'sst2' split 'validation'"),
    (
        SMOKE
        + [
            "--set",
            "attack_n=1500",
            "--set",
            "attack_split=test",
            "--set",
            "report_split=validation",
            "--set",
            "eval_split=test",
        ],
        "split 'validation' (872 rows)",
    ),
    (SMOKE + ["--set", "seed=1.5"], "'seed' = 1.5 is not allowed: use an integer"),
    (SMOKE + ["--set", "ft_epochs=true"], "'ft_epochs' = True is not allowed"),
    (SMOKE + ["--set", "ft_epochs=-1"], "'ft_epochs' = -1 is not allowed"),
    (SMOKE + ["--set", "prune_scope=random"], "'prune_scope' = 'random' is not allowed: use one of global, layerwise"),
    (SMOKE + ["--set", "batch_size=abc"], "'batch_size' = 'abc' is not allowed"),
    (SMOKE + ["--set", "eval_split=train"], "'eval_split' = 'train' is not allowed"),
    (SMOKE + ["--set", "check_interval=0"], "'check_interval' = 0 is not allowed"),
    (SMOKE + ["--set", "adv_method=pgd"], "'adv_max_norm' must be > 0 when PGD is used"),
    (SMOKE + ["--set", "use_fp16=true"], "unknown parameter 'use_fp16'"),
    (SMOKE + ["--set", "=3"], "--set '=3' must look like key=value"),
    # every flag
    (SMOKE + ["--time-budget-s", "-5"], "--time-budget-s -5 must be a positive number of seconds"),
    (SMOKE + ["--time-budget-s", "0"], "--time-budget-s 0 must be a positive"),
    (SMOKE + ["--time-budget-s", "nan"], "--time-budget-s nan must be a positive"),
    (SMOKE + ["--seed", "-1"], "--seed -1 must be in [0, 2**32)"),
    (SMOKE + ["--name", "../escape"], "--name '../escape' is not a plain name"),
    (SMOKE + ["--name", "a/b"], "--name 'a/b' is not a plain name"),
    (SMOKE + ["--name", ""], "--name '' is not a plain name"),
    (SMOKE + ["--register-as", ""], "--register-as '' is not a plain name"),
    (SMOKE + ["--register-as", "my model"], "--register-as 'my model' is not a plain name"),
    (SMOKE + ["--experiment", " "], "--experiment is empty"),
    (SMOKE + ["--optuna-storage", "redis://127.0.0.1/0"], "is not a database URL Optuna can use"),
    (SMOKE + ["--optuna-storage", "sqlite:////no/such/dir/o.db"], "folder /no/such/dir does not exist"),
    (SMOKE + ["--optuna-storage", "postgresql+nosuchdriver://u@127.0.0.1/x"], "cannot be opened (NoSuchModuleError"),
    (
        SMOKE + ["--optuna-storage", "postgresql+psycopg://u:s3cret@127.0.0.1:{closed}/x"],
        "nothing answers at 127.0.0.1:",
    ),
    (SMOKE + ["--ray-address", "127.0.0.1:{closed}"], "--ray-address 127.0.0.1:"),
    (SMOKE + ["--ray-address", "ray://:"], "is not an address"),
    (SMOKE + ["--max-concurrent", "0"], "--num-samples and --max-concurrent must be >= 1"),
    (SMOKE + ["--num-samples", "-3"], "--num-samples and --max-concurrent must be >= 1"),
    (SMOKE + ["--num-samples", "abc"], "argument --num-samples: invalid int value: 'abc'"),
    (SMOKE + ["--cpus-per-trial", "0"], "--cpus-per-trial > 0"),
    (SMOKE + ["--gpus-per-trial", "-1"], "--gpus-per-trial >= 0"),
    (SMOKE + ["--share-searches", "maybe"], "argument --share-searches: invalid choice: 'maybe'"),
    (SMOKE + ["--scheduler", "fifo"], "argument --scheduler: invalid choice: 'fifo'"),
    (SMOKE + ["--storage-path", "nosuch://bucket/x"], "--storage-path 'nosuch://bucket/x' cannot be opened"),
    (SMOKE + ["--storage-path", "s3://AKIAKEY:s3cret@bucket/x"], "--storage-path s3://***@bucket/x holds credentials"),
    (SMOKE + ["--mlflow-uri", "http://user:s3cret@127.0.0.1:{closed}/"], "--mlflow-uri http://***@127.0.0.1:"),
    (["--resume", "--name", "never-ran", "--storage-path", "{tmp}/other"], "--resume: no sweep named 'never-ran' in"),
    # each case once run as a subprocess too, before test_sweep_errors.py kept only a few there
    (["--space", "{bad.yaml}"], "is not valid YAML at line 3"),
    (["--space", "{unknown_key.yaml}"], "unknown parameter 'modle'"),
    (SMOKE + ["--set", "head_ratio=1.5"], "'head_ratio' = 1.5 is not allowed: use a float in [0.0, 1.0)"),
    (SMOKE + ["--set", "conv_eps=-0.1"], "'conv_eps' = -0.1 is not allowed"),
    (SMOKE + ["--set", "conv_window=0"], "'conv_window' = 0 is not allowed"),
    (SMOKE + ["--set", "adv_steps=0"], "'adv_steps' = 0 is not allowed"),
    (SMOKE + ["--set", "attack=hotflip"], "'attack' = 'hotflip' is not allowed"),
    (SMOKE + ["--set", "headratio"], "--set 'headratio' must look like key=value"),
    (SMOKE + ["--set", "report_split=validation"], "'report_split' = 'validation' is also a selection split"),
    (SMOKE + ["--objective", "multi", "--scheduler", "asha"], "--scheduler asha needs one scalar metric"),
    (SMOKE + ["--objective", "fast"], "argument --objective: invalid choice: 'fast'"),
    (SMOKE + ["--num-samples", "0"], "--num-samples and --max-concurrent must be >= 1"),
    (["--resume"], "--resume: no earlier sweep in"),
    (SMOKE + ["--storage-path", "/proc/nope"], "cannot be written"),
    (SMOKE + ["--mlflow-uri", "http://127.0.0.1:9/"], "MLflow is not reachable"),
    (SMOKE + ["--mlflow-uri", "sqlite:////no/such/dir/m.db"], "does not exist or cannot be written"),
    (SMOKE + ["--mlflow-uri", "ftp://x"], "is not supported"),
    (
        SMOKE + ["--set", "model=no-such-org/no-such-model"],
        "'model' = 'no-such-org/no-such-model' is not a packaged model",
    ),
    (SMOKE + ["--set", "model={gpt2}"], "is a 'gpt2' model, an encoder family this platform cannot prune"),
    (SMOKE + ["--set", "dataset=/no/such/folder"], "'dataset' = '/no/such/folder' is unknown"),
    (SMOKE + ["--set", "data_dir=/no/such/folder"], "'data_dir' = '/no/such/folder' is not a folder"),
    (SMOKE + ["--set", "dataset={empty.csv}"], "is empty: it needs at least one labelled row"),
    (SMOKE + ["--set", "dataset={nolabel.csv}"], "has no 'label' column"),
    (SMOKE + ["--set", "dataset=imdb"], "dataset 'imdb' split 'train' is not in"),
    (SMOKE + ["--gpus-per-trial", "2"], "--gpus-per-trial 2 but this machine has 0 GPUs"),
    (SMOKE + ["--objective", "cost"], "--objective cost minimises training FLOPs subject to reaching a target"),
    (SMOKE + ["--target", "aua=0.3"], "--target 'aua=0.3' is not a target"),
    (
        SMOKE + ["--target", "dense_pgd", "--set", "attack=none"],
        "--target is a robustness to reach, and the space attacks",
    ),
    (SMOKE + ["--target", "runs:/0123456789abcdef"], "--target runs:/0123456789abcdef: there is no MLflow store at"),
]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def names(tmp_path) -> dict:
    out = {"tmp": str(tmp_path), "closed": closed_port()}
    for name, data in {**DATA, **SPACES}.items():
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        out[name] = str(path)
        out[name.split("/")[0]] = str(path.parent) if "/" in name else out[name]
    return out


@pytest.mark.parametrize("args, message", CASES, ids=[f"{k}-{c[1][:28]}" for k, c in enumerate(CASES)])
def test_bad_input_one_line_exit_2_nothing_created(args, message, names, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    argv = [re.sub(r"\{([^{}]+)\}", lambda m: str(names[m.group(1)]), a) for a in args]
    if "--storage-path" not in argv:
        argv += ["--storage-path", str(tmp_path / "s")]
    if "--mlflow-uri" not in argv:
        argv += ["--mlflow-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sweep: error: "), err
    assert message in lines[0], lines[0]
    assert "s3cret" not in err
    assert not (tmp_path / "mlflow.db").exists(), "MLflow was not touched"
    assert not list((tmp_path / "s").glob("*/sweep.json")) and not (tmp_path / "s" / "ray_tmp").exists()
    assert not (tmp_path.parent / "escape").exists()


def test_the_bad_input_cases_cover_every_flag_and_format():
    flags = {a for action in parser()._actions for a in action.option_strings if a.startswith("--")}
    used = {a for args, _ in CASES for a in args if a.startswith("--")}

    spec = importlib.util.spec_from_file_location("cli_cases", Path(__file__).with_name("test_sweep_errors.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    CLI_CASES = module.CASES

    used |= {a for args, _ in CLI_CASES for a in args if a.startswith("--")}
    assert flags - used <= {"--help", "--list-params", "--dry-run"}, flags - used
    assert {n.rsplit(".", 1)[-1] for n in DATA if "." in n} >= {"csv", "tsv", "json", "jsonl", "parquet"}
    assert len(CASES) + len(CLI_CASES) >= 60
