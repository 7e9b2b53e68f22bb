"""Demo logins, one per role, for `make run` and the browser tests."""
from .models import Role, User

DEMO_LOGINS = (
    ("noc", "noc-demo-2011", Role.NOC, "NOC operator"),
    ("helpdesk", "helpdesk-demo-2011", Role.HELPDESK, "Helpdesk staff"),
    ("participant", "participant-demo-2011", Role.PARTICIPANT, "Camp participant"),
)


def ensure_demo_logins() -> list[tuple[str, str, str]]:
    """Create or reset the demo accounts; return (username, password, role) for printing."""
    created = []
    for username, password, role, full_name in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role = role
        user.first_name = full_name
        user.set_password(password)
        user.save()
        created.append((username, password, role.label))
    return created
