"""A trust with no incidents yet: charts, downloads and the board report still work."""

import pytest

pytestmark = pytest.mark.django_db
def test_empty(world, client_for):
    c = client_for(world.lead)
    assert c.get("/dashboard/charts/incidents.svg").status_code == 200
    assert c.get("/dashboard/board-report.pdf").status_code == 200
    assert c.get("/dashboard/data/category.csv").status_code == 200
