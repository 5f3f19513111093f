"""Query counts of a page must not grow with the rows it shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def assert_constant_queries(client, url, grow, *, at_most, data=None):
    """Count the page's queries, call ``grow()`` to add rows, count again: same number, bounded."""
    client.get(url, data)  # warm up: the first request of a session writes the session
    before = count_queries(client, url, data)
    grow()
    after = count_queries(client, url, data)
    assert before == after, f"{url}: {before} queries, then {after} with more rows"
    assert after <= at_most, f"{url}: {after} queries"
