"""Background work: a large return is validated and loaded by `staffsafe db_worker`."""

from django_tasks import task

from staffsafe.collection import services


@task()
def process_return(return_id: int) -> str:
    return services.return_process(return_id).status
