import io

import pytest
from allauth.account.models import EmailAddress
from django.db.models import Sum

from devtools.demo import members as demo
from members import selectors
from members.models import Organisation, Seat, User

pytestmark = pytest.mark.django_db


def test_home_counts_add_up_to_464000():
    homes = demo.home_counts()
    assert len(homes) == 54 and sum(homes) == 464_000 and min(homes) > 0


def test_demo_cvr_and_ean_are_valid():
    from members.validators import cvr_is_valid, ean_is_valid

    assert all(cvr_is_valid(demo.demo_cvr(i)) for i in range(120))
    assert all(ean_is_valid(demo.demo_ean(i)) for i in range(60))


def test_seed_is_complete_and_idempotent():
    demo.seed(stdout=io.StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Seat.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (Organisation.objects.count(), User.objects.count(), Seat.objects.count()) == counts

    members = Organisation.objects.members()
    assert members.count() == 54
    assert members.aggregate(total=Sum("homes"))["total"] == 464_000
    assert len(set(members.values_list("region", flat=True))) == 5
    assert Organisation.objects.partners().filter(member_since__isnull=True).count() >= 3

    for email in ("sekretariat@almennet.dk", "medlem@almennet.dk", "formand@almennet.dk"):
        user = User.objects.get(email=email)
        assert user.check_password("almennet-demo")
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()

    staff = User.objects.get(email="sekretariat@almennet.dk")
    assert staff.is_staff and not staff.is_superuser
    assert staff.has_perm("members.change_organisation")
    assert selectors.user_is_member(user=User.objects.get(email="medlem@almennet.dk"))
    chair = User.objects.get(email="formand@almennet.dk")
    assert selectors.user_is_board_member(user=chair)
    bodies = {b["body"]: b["seats"] for b in selectors.governing_bodies()}
    board_roles = sorted(s.role for s in bodies["board"])
    assert board_roles.count("chair") == 1 and board_roles.count("vice_chair") == 1
    assert board_roles.count("substitute") == 2
    assert len(bodies["advisory"]) >= 5
