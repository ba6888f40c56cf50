"""`platform.evaluate --label-map`: which data class each of a model's classes stands for."""

from __future__ import annotations

from platform.usage import UsageError


def label_map(spec: str | None, model_names: list[str], data_names: list[str]) -> list[int] | None:
    """For each model class, the data class it stands for (`--label-map MODEL=DATA,...`); None: the same classes."""

    def index(side: str, value: str, names: list[str]) -> int:
        if value in names:
            return names.index(value)
        if value.isdigit() and int(value) < len(names):
            return int(value)
        raise UsageError(
            f"--label-map: {side} class {value!r} is not one of {', '.join(names)} (or an id 0..{len(names) - 1})"
        )

    if not spec:
        if len(model_names) != len(data_names):
            raise UsageError(
                f"--model has {len(model_names)} classes and the data {len(data_names)}: evaluate it on "
                "data with its own classes, or map them (--label-map MODEL=DATA,... over every model class)"
            )
        named = not all(n == f"LABEL_{k}" for k, n in enumerate(model_names))
        if named and not all(n.isdigit() for n in data_names) and model_names != data_names:
            raise UsageError(
                f"--model names its classes {model_names}, the data {data_names}: they must match in "
                "order, or map them (--label-map MODEL=DATA,...)"
            )
        return None
    pairs = [item.partition("=") for item in spec.split(",")]
    if any(not sep or not m.strip() or not d.strip() for m, sep, d in pairs):
        raise UsageError(f"--label-map {spec!r} must look like MODEL=DATA,... (class ids or names)")
    mapped = {index("model", m.strip(), model_names): index("data", d.strip(), data_names) for m, _, d in pairs}
    missing = [model_names[k] for k in range(len(model_names)) if k not in mapped]
    if missing:
        raise UsageError(
            f"--label-map leaves model class {missing[0]!r} unmapped: map every model class to a data class"
        )
    return [mapped[k] for k in range(len(model_names))]


def class_names(config) -> list[str]:
    return [str(config.id2label[i]) for i in range(config.num_labels)]
