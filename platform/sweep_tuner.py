"""The sweep's Ray Tune Tuner: Optuna's searcher (constrained for the cost objective), the scheduler,
the trainable with its resources, and the run config (restored on resume with what may change)."""

from __future__ import annotations

from ray import tune
from ray.tune.schedulers import ASHAScheduler, FIFOScheduler
from ray.tune.search import ConcurrencyLimiter

from platform.live_table import FollowProgress, LiveReporter
from platform.optuna_search import OutcomeAwareOptunaSearch, RedactedRDBStorage
from platform.tune_callbacks import CloseMlflowRuns, ReleaseSearchClaims
from trainables.metric_registry import objectives
from trainables.search_sharing import SearchClaims, replay_grid
from trainables.tune.sampler import make_sampler
from trainables.tune.trial_functions import TRAINABLES


def searcher(plan):
    if not plan.space.search:  # everything fixed: run the configuration num_samples times
        return None
    storage = None
    if plan.args.optuna_storage:
        storage = RedactedRDBStorage(plan.args.optuna_storage)
    goals = objectives(plan.objective, plan.metric)
    metric, mode = (list(goals), list(goals.values())) if plan.objective in ("multi", "cost") else (plan.metric, "max")
    cost = plan.objective == "cost"  # the fewest FLOPs subject to reaching the target: Optuna's constraint
    search = OutcomeAwareOptunaSearch(
        metric=metric[0] if cost else metric,
        mode=mode[0] if cost else mode,
        sampler=make_sampler(plan.args.seed, plan.num_samples, constrained=cost),
        storage=storage,
        study_name=plan.name if storage is not None else None,
        target=plan.target,
    )
    return ConcurrencyLimiter(search, max_concurrent=plan.max_concurrent)


def scheduler(plan):
    if plan.scheduler == "asha":
        # rungs at fine-tune epochs: eval_acc exists only from the first fine-tune epoch on
        return ASHAScheduler(metric="eval_acc", mode="max", time_attr="ft_epoch", grace_period=1, max_t=100)
    return FIFOScheduler()


def with_resources(plan, info):
    searches = None
    if plan.share_searches:
        searches = {
            "storage": plan.storage.uri,
            "sweep": plan.name,
            "claims": plan.claims,
            "grid": replay_grid(plan.space),
        }
    # with_parameters puts the tracking info and the resolved inputs in Ray's object store once
    return tune.with_resources(
        tune.with_parameters(TRAINABLES[plan.trainable], tracking=info, inputs=plan.inputs, searches=searches),
        {"cpu": plan.cpus, "gpu": plan.gpus},
    )


def tuner(plan, info):
    path = plan.storage.where(plan.name)
    if plan.share_searches:
        plan.claims = SearchClaims.options(name=f"earlyrobust-searches-{plan.name}", get_if_exists=True).remote()
    trainable = with_resources(plan, info)
    follow = FollowProgress()
    callbacks = [CloseMlflowRuns(info), follow] + (
        [ReleaseSearchClaims(f"earlyrobust-searches-{plan.name}")] if plan.share_searches else []
    )
    if plan.args.resume and tune.Tuner.can_restore(path):
        tuner = tune.Tuner.restore(
            path, trainable=trainable, param_space=plan.space.tune_space(), resume_unfinished=True, resume_errored=True
        )
        # what may change on resume (platform/sweep.py RESUMABLE): Tune restores its pickled TuneConfig,
        # so the new concurrency and time budget are set on it (no public API for this in Ray 2.60)
        config = tuner._local_tuner._tune_config
        config.time_budget_s = plan.args.time_budget_s
        if config.search_alg is not None:
            config.search_alg.set_max_concurrency(plan.max_concurrent)
        return tuner
    # one checkpoint a trial: Tune deletes the older one once the newer is stored, so resume stays
    # exact while a trial runs, and a finished trial keeps only its last (ticket + results) one
    run_config = tune.RunConfig(
        name=plan.name,
        storage_path=plan.storage.uri,
        callbacks=callbacks,
        verbose=1,
        # live progress: each trial's phase, position, time left (RAY_AIR_NEW_OUTPUT=0: this reporter's table)
        progress_reporter=LiveReporter(
            plan.space.varied(), follow, max_report_frequency=15, print_intermediate_tables=True
        ),
        checkpoint_config=tune.CheckpointConfig(num_to_keep=1),
        failure_config=tune.FailureConfig(max_failures=1),
    )
    tune_config = tune.TuneConfig(
        search_alg=searcher(plan),
        scheduler=scheduler(plan),
        num_samples=plan.num_samples,
        time_budget_s=plan.args.time_budget_s,
    )
    return tune.Tuner(trainable, param_space=plan.space.tune_space(), tune_config=tune_config, run_config=run_config)
