"""Background work: a large return is validated and loaded by `staffsafe db_worker`."""

from django_tasks import task

from staffsafe.collection import rollups, services


@task()
def process_return(return_id: int) -> str:
    return services.return_process(return_id).status


@task()
def refresh_publications(financial_years: list[int]) -> list[int]:
    """After a return is accepted: protect and store the national tables of its years again."""
    return rollups.publications_refresh(financial_years)
