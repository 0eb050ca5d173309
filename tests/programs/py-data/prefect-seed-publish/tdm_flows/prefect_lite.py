"""Just enough of Prefect's @task/@flow to keep the flow code readable.

We dropped the real prefect dependency when the agent moved to the slim image;
if we ever go back, these decorators map 1:1.
"""
import functools
import time


def task(fn=None, *, retries=0, retry_delay_seconds=0.0, name=None):
    if fn is None:
        return functools.partial(task, retries=retries,
                                 retry_delay_seconds=retry_delay_seconds, name=name)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        label = name or fn.__name__
        for attempt in range(1, retries + 2):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # prefect retries on anything
                if attempt > retries:
                    print(f"task {label!r} failed: {exc}")
                    raise
                print(f"task {label!r} attempt {attempt} failed, retrying")
                time.sleep(retry_delay_seconds)
    return run


def flow(fn=None, *, name=None):
    if fn is None:
        return functools.partial(flow, name=name)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        label = name or fn.__name__
        print(f"flow {label!r} started")
        result = fn(*args, **kwargs)
        print(f"flow {label!r} finished: Completed")
        return result
    return run
