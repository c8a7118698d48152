"""The authorization matrix: every URL of the project, who may open it, and who gets 404/403.

The story: one clerk ("the owner") in team A1 of center A has done something in every app, an
exam, a practice round, a lesson, a mock reception, a 错题本 point, a 纠错 report, a live drill.
Around them stand people who must NOT see that: a colleague in the same team, the supervisor of
another team in the same center, and the manager, supervisor, clerk and content admin of another
center. Every URL pattern is enumerated from the resolver, so a new URL that is not in this file
fails the first test until somebody decides who may open it.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from competitions import services as game_services
from leaderboard.models import MentorPair, PairStatus
from quizzes.models import QuestionImport
from quizzes.services import answer_now
from quizzes.services.assignments import assign_weak_point_paper
from quizzes.services.exams import start_exam
from quizzes.services.practice import start_practice
from quizzes.services.reports import report_question
from reports.models import RatingImport
from simulations import services as sim_services
from tests.competitions.factories import make_game
from tests.conftest import make_area, make_center, make_team, make_user
from tests.quizzes.factories import make_question, make_quiz
from tests.simulations.factories import RUBRIC, import_dict, small_scenario
from tests.training.factories import make_lesson
from training import services as training_services

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin"}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            if entry.name is None:  # static/media serving in DEBUG has no name
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), sorted(entry.pattern.converters)


def project_urls() -> dict[str, list[str]]:
    """{url name: its path parameters} for every pattern but the Django admin."""
    return {name: params for name, _route, params in _walk(get_resolver().url_patterns)}


@dataclass
class World:
    owner: object
    colleague: object  # same team, also staff
    sup_own: object  # the owner's supervisor
    sup_other_team: object  # same center, another team
    manager: object  # the owner's manager
    admin: object  # the owner's center's content admin
    other_staff: object
    other_sup: object
    other_manager: object
    other_admin: object
    objects: dict


def build_world(tmp_path) -> World:
    center_a, center_b = make_center("中心甲"), make_center("中心乙")
    team_a1, team_a2, team_b = make_team(center_a), make_team(center_a), make_team(center_b)
    owner = make_user(Role.STAFF, team=team_a1, full_name="被保护的张三")
    sup_own = make_user(Role.SUPERVISOR, team=team_a1)
    team_a1.supervisors.add(sup_own)
    sup_other_team = make_user(Role.SUPERVISOR, team=team_a2)
    team_a2.supervisors.add(sup_other_team)
    other_sup = make_user(Role.SUPERVISOR, team=team_b)
    team_b.supervisors.add(other_sup)
    world = World(
        owner=owner,
        colleague=make_user(Role.STAFF, team=team_a1),
        sup_own=sup_own,
        sup_other_team=sup_other_team,
        manager=make_user(Role.MANAGER, center=center_a),
        admin=make_user(Role.ADMIN, center=center_a),
        other_staff=make_user(Role.STAFF, team=team_b),
        other_sup=other_sup,
        other_manager=make_user(Role.MANAGER, center=center_b),
        other_admin=make_user(Role.ADMIN, center=center_b),
        objects={},
    )
    now = timezone.now()
    area = make_area()
    questions = [make_question(area), make_question(area)]

    lesson = make_lesson()
    training_services.open_lesson(person=owner, lesson=lesson, at=now)
    draft_lesson = make_lesson(is_published=False)

    quiz = make_quiz(questions, time_limit_seconds=3600)
    exam = start_exam(person=owner, quiz=quiz, at=now)
    draft_quiz = make_quiz(questions, title="未发布", is_published=False)

    practice = start_practice(person=owner, at=now, area=area)
    item = answer_now(attempt=practice, position=practice.items.first().position, values=["B"], at=now)
    report = report_question(item=item, reporter=owner, text="答案有误", at=now)
    upload = QuestionImport.objects.create(uploaded_by=world.admin, filename="bank.csv", rows=[], created_at=now)

    scenario = import_dict(tmp_path, small_scenario(area.code) | {"rubric": RUBRIC})
    draft_scenario = import_dict(tmp_path, small_scenario(area.code, published=False))
    run = sim_services.start_run(person=owner, scenario=scenario, live=True, at=now)
    mistake = sim_services.record_scenario_mistake(
        person=owner, step=scenario.steps.get(key="ask"), choice_text="回应rude", at=now
    )

    game = make_game(host=sup_own)
    game_services.join(code=game.code, user=owner, at=now)

    assignment = assign_weak_point_paper(
        team=team_a1, area_ids=[area.pk], question_ids=[], due_at=now + timedelta(days=7), assigned_by=sup_own, at=now
    )
    rating_import = RatingImport.objects.create(
        uploaded_by=world.manager, center=center_a, filename="ratings.csv", rows=[], created_at=now
    )
    # 帮: the owner is the mentee of a strong clerk of the same team (not one of the viewers).
    mentor = make_user(Role.STAFF, team=team_a1, full_name="师傅")
    pair = MentorPair.objects.create(
        center=center_a,
        area=area,
        mentor=mentor,
        mentee=owner,
        status=PairStatus.CONFIRMED,
        decided_by=sup_own,
        started_at=now,
        decided_at=now,
    )

    world.objects = {
        "lesson": lesson,
        "draft_lesson": draft_lesson,
        "quiz": quiz,
        "draft_quiz": draft_quiz,
        "exam": exam,
        "practice": practice,
        "item": item,
        "report": report,
        "upload": upload,
        "scenario": scenario,
        "draft_scenario": draft_scenario,
        "run": run,
        "mistake": mistake,
        "game": game,
        "area": area,
        "team": team_a1,
        "assignment": assignment,
        "rating_import": rating_import,
        "pair": pair,
    }
    return world


def url_kwargs(world: World) -> dict[str, dict]:
    """Path parameters for every URL that has some, filled with real objects of the owner."""
    o = world.objects
    exam_pos = o["exam"].items.first().position
    practice_pos = o["practice"].items.last().position
    return {
        "training:lesson": {"pk": o["lesson"].pk},
        "training:lesson_position": {"pk": o["lesson"].pk},
        "training:lesson_complete": {"pk": o["lesson"].pk},
        "training:person_progress": {"pk": world.owner.pk},
        "quizzes:lesson_check": {"lesson_id": o["lesson"].pk},
        "quizzes:quiz": {"quiz_id": o["quiz"].pk},
        "quizzes:quiz_start": {"quiz_id": o["quiz"].pk},
        "quizzes:attempt": {"attempt_id": o["exam"].pk},
        "quizzes:attempt_answer": {"attempt_id": o["exam"].pk, "position": exam_pos},
        "quizzes:attempt_submit": {"attempt_id": o["exam"].pk},
        "quizzes:practice_answer": {"attempt_id": o["practice"].pk, "position": practice_pos},
        "quizzes:practice_next": {"attempt_id": o["practice"].pk},
        "quizzes:report_question": {"item_id": o["item"].pk},
        "quizzes:import_preview": {"import_id": o["upload"].pk},
        "quizzes:export": {"fmt": "xlsx"},
        "quizzes:report_close": {"report_id": o["report"].pk},
        "simulations:scenario": {"slug": o["scenario"].slug},
        "simulations:start": {"slug": o["scenario"].slug},
        "simulations:play": {"run_id": o["run"].pk},
        "simulations:answer": {"run_id": o["run"].pk},
        "simulations:check": {"run_id": o["run"].pk},
        "simulations:review": {"run_id": o["run"].pk},
        "simulations:rubric": {"run_id": o["run"].pk},
        "simulations:practice": {"pk": o["mistake"].pk},
        "competitions:results": {"pk": o["game"].pk},
        "competitions:host": {"code": o["game"].code},
        "competitions:roster": {"code": o["game"].code},
        "competitions:screen": {"code": o["game"].code},
        "competitions:play": {"code": o["game"].code},
        "competitions:qr": {"code": o["game"].code},
        "reports:evidence": {"person_id": world.owner.pk, "area_id": o["area"].pk},
        "reports:team": {"team_id": o["team"].pk},
        "reports:person": {"person_id": world.owner.pk},
        "reports:person_export": {"person_id": world.owner.pk},
        "reports:assignment": {"assignment_id": o["assignment"].pk},
        "reports:ratings_preview": {"import_id": o["rating_import"].pk},
        "leaderboard:pair": {"pk": o["pair"].pk},
        "leaderboard:pair_end": {"pk": o["pair"].pk},
        "leaderboard:person": {"pk": world.owner.pk},
    }


@pytest.fixture
def world(tmp_path) -> World:
    return build_world(tmp_path)


# ---------------------------------------------------------------------------------------------
# 1. Every URL is known here, and every one of them sends an anonymous visitor to the login page.


def test_every_url_with_parameters_is_in_the_matrix(world):
    missing = {name for name, params in project_urls().items() if params} - set(url_kwargs(world))
    assert not missing, f"new URLs: decide who may open them and add them to url_kwargs: {missing}"


def test_the_matrix_sees_the_whole_project():
    names = set(project_urls())
    assert len(names) >= 45
    assert {"home", "accounts:login", "reports:export", "competitions:qr"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_login_from_every_url(client, world, method):
    login = reverse(settings.LOGIN_URL)
    kwargs = url_kwargs(world)
    for name, params in project_urls().items():
        if name in OPEN_DOORS:
            continue
        url = reverse(name, kwargs=kwargs[name] if params else None)
        response = getattr(client, method)(url)
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith(f"{login}?next="), (name, response["Location"])


def _callbacks(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from _callbacks(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def _is_open(callback) -> bool:
    view = getattr(callback, "view_class", None)
    return getattr(callback, "login_required", True) is False or getattr(view, "login_required", True) is False


# The only views without a login: the login page, and the load balancer's health check (200/503, no detail).
OPEN_DOORS = {"accounts:login", "healthz"}


def test_the_login_page_and_the_health_check_are_the_only_open_doors(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).content == b"ok\n"
    open_views = {name for name, callback in _callbacks(get_resolver().url_patterns) if _is_open(callback)}
    assert open_views == OPEN_DOORS


# ---------------------------------------------------------------------------------------------
# 2. The owner's objects by id, code or slug: others get 404 (or 403), never 200 with the data.

# URL name → who may open it (the owner is "owner"). Everyone else in the world is an intruder.
ALLOWED = {
    "training:person_progress": {"owner", "sup_own", "manager", "admin"},  # the center's managers and admins
    "quizzes:attempt": {"owner"},  # an attempt is its person's only, whatever the viewer's role
    "quizzes:attempt_answer": {"owner"},
    "quizzes:attempt_submit": {"owner"},
    "quizzes:practice_answer": {"owner"},
    "quizzes:practice_next": {"owner"},
    "quizzes:report_question": {"owner"},
    "quizzes:import_preview": {"admin"},  # the uploader only; another center's admin too gets 404
    "simulations:play": {"owner"},
    "simulations:answer": {"owner"},
    "simulations:check": {"owner"},
    # A live run still going: the owner plays it, their supervisor and manager are sent on to the
    # rubric; the center's content admin may read the review once it is over, not watch it go on.
    "simulations:review": {"owner", "sup_own", "manager"},
    "simulations:rubric": {"sup_own", "manager"},  # never the person scored
    "simulations:practice": {"owner"},
    "competitions:results": {
        "owner",
        "sup_own",
        "manager",
        "admin",
    },  # a player (own results), the host, who sees the host
    "competitions:host": {"sup_own"},
    "competitions:roster": {"sup_own"},  # the host's 移出选手 list
    "competitions:screen": {"sup_own"},
    "competitions:qr": {"sup_own"},
    "competitions:play": {"owner"},  # non-players are sent to the join page (302), never shown the game
    # 能力报表: staff see their own person view; supervisors their teams; the center's managers and admins all.
    "reports:evidence": {"owner", "sup_own", "manager", "admin"},
    "reports:person": {"owner", "sup_own", "manager", "admin"},
    "reports:person_export": {"owner", "sup_own", "manager", "admin"},
    "reports:team": {"sup_own", "manager", "admin"},
    "reports:assignment": {"sup_own", "manager", "admin"},
    "reports:ratings_preview": {"manager"},  # the uploader only
    # A mentee's progress: the pair, the mentee's supervisor and manager (who decide pairs), not the admin.
    "leaderboard:pair": {"owner", "sup_own", "manager"},
    "leaderboard:pair_end": {"sup_own", "manager"},
    # Honours and points by week are public inside the center (the results behind them are not).
    "leaderboard:person": {"owner", "colleague", "sup_own", "sup_other_team", "manager", "admin"},
}
VIEWERS = [
    "owner",
    "colleague",
    "sup_own",
    "sup_other_team",
    "manager",
    "admin",
    "other_staff",
    "other_sup",
    "other_manager",
    "other_admin",
]


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_someone_elses_object_is_not_found(client, world, name):
    url = reverse(name, kwargs=url_kwargs(world)[name])
    for viewer in [v for v in VIEWERS if v not in ALLOWED[name]]:
        client.force_login(getattr(world, viewer))
        statuses = []
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if name == "competitions:play":
                assert response.status_code == 302 and "/join/" in response["Location"], (viewer, method)
                continue
            assert response.status_code in (403, 404, 405), (name, viewer, method, response.status_code)
            statuses.append(response.status_code)
        assert statuses != [405, 405]  # the method the view serves reached its check and was refused


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_the_owner_and_the_allowed_may_open_it(client, world, name):
    """The other side of the matrix: the refusals above are not simply a broken page."""
    url = reverse(name, kwargs=url_kwargs(world)[name])
    for viewer in ALLOWED[name]:
        client.force_login(getattr(world, viewer))
        method = "post" if name in POST_ONLY else "get"
        response = getattr(client, method)(url)
        assert response.status_code in (200, 204, 302), (name, viewer, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]


POST_ONLY = {
    "quizzes:attempt_answer",
    "quizzes:attempt_submit",
    "quizzes:practice_answer",
    "simulations:answer",
    "simulations:check",
    "leaderboard:pair_end",
}


def test_drafts_are_not_found_by_staff(client, world):
    client.force_login(world.owner)
    o = world.objects
    assert client.get(reverse("training:lesson", args=[o["draft_lesson"].pk])).status_code == 404
    assert client.get(reverse("quizzes:lesson_check", args=[o["draft_lesson"].pk])).status_code == 404
    assert client.get(reverse("quizzes:quiz", args=[o["draft_quiz"].pk])).status_code == 404
    assert client.post(reverse("quizzes:quiz_start", args=[o["draft_quiz"].pk])).status_code == 404
    assert client.get(reverse("simulations:scenario", args=[o["draft_scenario"].slug])).status_code == 404
    assert client.post(reverse("simulations:start", args=[o["draft_scenario"].slug])).status_code == 404


# ---------------------------------------------------------------------------------------------
# 3. Pages for a role: the wrong role gets 403, and the wrong center never sees the owner's name.

ROLE_PAGES = {
    "training:team_progress": ("get", {"owner"}),
    "training:preview": ("post", {"owner", "sup_own", "manager"}),
    "quizzes:import": ("get", {"owner", "sup_own", "manager"}),
    "quizzes:export": ("get", {"owner", "sup_own", "manager"}),
    "quizzes:stats": ("get", {"owner", "sup_own", "manager"}),
    "quizzes:report_queue": ("get", {"owner", "sup_own", "manager"}),
    "quizzes:report_close": ("post", {"owner", "sup_own", "manager"}),
    "reports:index": ("get", {"owner"}),
    "quizzes:retention": ("get", {"owner"}),
    "reports:export": ("get", {"owner"}),
    "reports:export_csv": ("get", {"owner"}),
    "reports:weak": ("get", {"owner"}),
    "reports:create_paper": ("post", {"owner"}),
    "reports:ratings_import": ("get", {"owner", "sup_own"}),
    "competitions:create": ("get", {"owner"}),
    "competitions:pick": ("get", {"owner"}),
}


@pytest.mark.parametrize("name", sorted(ROLE_PAGES))
def test_role_pages_refuse_the_wrong_role(client, world, name):
    method, refused = ROLE_PAGES[name]
    kwargs = url_kwargs(world).get(name)
    for viewer in refused:
        client.force_login(getattr(world, viewer))
        assert getattr(client, method)(reverse(name, kwargs=kwargs)).status_code == 403, (name, viewer)


def test_no_page_of_another_center_shows_the_owner(client, world):
    """Lists, rankings, reports and the 纠错 queue, as each person of center B and as the supervisor
    of another team: the owner's name appears nowhere."""
    name_of_owner = world.owner.full_name
    for viewer in ("other_staff", "other_sup", "other_manager", "other_admin", "sup_other_team", "colleague"):
        client.force_login(getattr(world, viewer))
        for name, params in project_urls().items():
            if params or name in {"accounts:logout", "training:preview"}:
                continue
            response = client.get(reverse(name))
            if response.status_code != 200:
                continue
            body = (
                response.content.decode("utf-8", "replace")
                if response.get("Content-Type", "").startswith("text/")
                else ""
            )
            if viewer in ("sup_other_team", "colleague") and name in {"leaderboard:index", "leaderboard:screen"}:
                continue  # the 比学赶超 board and the hall screen rank the whole center by design
            assert name_of_owner not in body, (viewer, name)


def test_the_exports_of_another_center_leave_the_owner_out(client, world):
    client.force_login(world.other_manager)
    response = client.get(reverse("reports:export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(world.owner.full_name in cell for cell in cells)
