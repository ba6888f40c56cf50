"""Run a benchmark script's `main` at its tiny scale in a fresh folder (trials in w/, results in out/)."""


def run_tiny(main, tmp_path_factory, name: str, *extra: str):
    root = tmp_path_factory.mktemp(name)
    main(["--scale", "tiny", "--work", str(root / "w"), "--out", str(root / "out"), *extra])
    return root
