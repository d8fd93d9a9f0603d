"""Uses the client openapi-python-client generated from Steward's OpenAPI
document against the live server: lists incidents, creates one, reads CI
classes and services. Arguments: base URL, a requester's API token."""

import sys

from steward_api_client import AuthenticatedClient
from steward_api_client.api.cmdb import list_ci_classes, list_services
from steward_api_client.api.incidents import create_incident, get_incident, list_incidents
from steward_api_client.models import IncidentPage, IncidentState, NewIncidentJson

base, token = sys.argv[1], sys.argv[2]
client = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)

page = list_incidents.sync(client=client, limit=5)
assert isinstance(page, IncidentPage), page
assert 0 < len(page.items) <= 5, page
assert all(i.number.startswith("INC") for i in page.items), page

new = NewIncidentJson(title="The label printer in the warehouse prints blank labels", impact=2, urgency=2)
created = create_incident.sync(client=client, body=new)
assert created.state == IncidentState.NEW, created
assert created.priority == 3, created
again = get_incident.sync(client=client, number=created.number)
assert again.title == new.title and again.version == created.version, again

classes = list_ci_classes.sync(client=client)
assert any(c.key == "server" for c in classes), classes

services = list_services.sync(client=client)
assert services, "a requester sees the live services"
assert all(s.portfolio_status == "live" for s in services), services

print("client ok:", created.number, len(classes), "classes,", len(services), "services")
