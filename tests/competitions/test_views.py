"""Pages: who may set up, host, show, play and read the report; a guessed code or id is a 404."""

import pytest
from django.urls import reverse

from accounts.models import Role
from competitions import selectors
from competitions.models import Competition, Player, RoundKind, Status
from tests.competitions.factories import join_players, make_game
from tests.conftest import make_area, make_user
from tests.quizzes.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


def round_data(prefix, **values):
    base = {
        "enabled": "on",
        "kind": RoundKind.REQUIRED,
        "seconds": 20,
        "points": 10,
        "penalty": 5,
        "source": "draw",
        "min_difficulty": 1,
        "max_difficulty": 5,
        "count": 2,
    }
    base.update(values)
    return {f"{prefix}-{key}": value for key, value in base.items() if value is not None}


def test_a_supervisor_sets_up_a_drill_from_a_rule_draw_and_hand_picked_questions(client, supervisor):
    area = make_area("社会保障")
    drawn = [make_question(area, difficulty=2) for _ in range(3)]
    make_question(make_area("医疗保障"), difficulty=2)  # another area: not drawn
    picked = make_question(area)
    client.force_login(supervisor)
    assert client.get(reverse("competitions:create")).status_code == 200
    data = {
        "title": "一季度大练兵",
        "mode": "individual",
        "team_source": "accounts",
        "team_scoring": "sum",
        "allow_late_join": "on",
        "podium_depth": 3,
        "scoreboard_size": 10,
        "round-TOTAL_FORMS": 2,
        "round-INITIAL_FORMS": 0,
        "round-MIN_NUM_FORMS": 1,
        "round-MAX_NUM_FORMS": 6,
        **round_data("round-0", area=area.pk, count=2, max_difficulty=2),
        **round_data("round-1", kind=RoundKind.BUZZER, source="pick", questions=[picked.pk]),
    }
    response = client.post(reverse("competitions:create"), data)
    competition = Competition.objects.get()
    assert response.url == reverse("competitions:host", args=[competition.code])
    first, second = competition.rounds.all()
    assert first.questions.count() == 2
    assert set(first.questions.values_list("question_id", flat=True)) <= {q.pk for q in drawn}
    assert list(second.questions.values_list("question_id", flat=True)) == [picked.pk]


def setup_data(*rounds: dict) -> dict:
    data = {
        "title": "从试卷办的练兵",
        "mode": "individual",
        "team_source": "accounts",
        "team_scoring": "sum",
        "podium_depth": 3,
        "scoreboard_size": 10,
        "round-TOTAL_FORMS": len(rounds),
        "round-INITIAL_FORMS": 0,
        "round-MIN_NUM_FORMS": 1,
        "round-MAX_NUM_FORMS": 6,
    }
    for index, values in enumerate(rounds):
        data.update(round_data(f"round-{index}", **values))
    return data


def test_a_supervisor_sets_up_a_drill_from_a_quiz(client, supervisor):
    questions = [make_question(stem=f"试卷第{n}题") for n in range(3)]
    quiz = make_quiz(questions, title="社保医保业务测验")
    client.force_login(supervisor)

    # The shortcut fills the form: the quiz's title, and round 1 takes the quiz's paper.
    page = client.get(reverse("competitions:create") + f"?quiz={quiz.pk}").content.decode()
    assert 'value="社保医保业务测验"' in page
    assert f'<option value="{quiz.pk}" selected>' in page

    response = client.post(reverse("competitions:create"), setup_data({"source": "quiz", "quiz": quiz.pk}))
    competition = Competition.objects.get()
    assert response.url == reverse("competitions:host", args=[competition.code])
    asked = competition.questions.order_by("order").values_list("question_id", flat=True)
    assert list(asked) == [q.pk for q in questions]


def test_a_round_from_a_quiz_needs_a_quiz(client, supervisor):
    client.force_login(supervisor)
    page = client.post(reverse("competitions:create"), setup_data({"source": "quiz"})).content.decode()
    assert "请选择一份试卷" in page
    assert not Competition.objects.exists()


def test_staff_cannot_set_up_or_host(client, staff):
    game = make_game()
    client.force_login(staff)
    assert client.get(reverse("competitions:create")).status_code == 403
    assert client.get(reverse("competitions:host", args=[game.code])).status_code == 404
    assert client.get(reverse("competitions:screen", args=[game.code])).status_code == 404
    assert client.get(reverse("competitions:results", args=[game.pk])).status_code == 404


def test_joining_by_code_leads_to_the_phone_page(client, staff):
    game = make_game()
    client.force_login(staff)
    page = client.get(reverse("competitions:join") + f"?code={game.code}")
    assert f'value="{game.code}"' in page.content.decode()
    response = client.post(reverse("competitions:join"), {"code": game.code})
    assert response.url == reverse("competitions:play", args=[game.code])
    assert Player.objects.filter(competition=game, user=staff).exists()
    play = client.get(response.url)
    assert "已加入，等待主持人开始" in play.content.decode()
    wrong = client.post(reverse("competitions:join"), {"code": "000000"})
    assert "加入码无效" in wrong.content.decode()


def test_the_phone_page_sends_a_non_player_to_the_join_page(client, staff):
    game = make_game()
    client.force_login(staff)
    response = client.get(reverse("competitions:play", args=[game.code]))
    assert response.url == reverse("competitions:join") + f"?code={game.code}"


def test_host_pages_and_the_qr_code(client):
    game = make_game()
    client.force_login(game.host)
    console = client.get(reverse("competitions:host", args=[game.code])).content.decode()
    assert "开始比赛" in console and game.code in console
    screen = client.get(reverse("competitions:screen", args=[game.code])).content.decode()
    assert 'class="bigscreen live"' in screen and "qr.svg" in screen
    qr = client.get(reverse("competitions:qr", args=[game.code]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_a_finished_drill_is_viewable_by_its_host_and_a_manager_of_the_center(client, center):
    host = make_user(Role.SUPERVISOR, center=center)
    game = make_game(host=host)
    join_players(game, 2, center=center)
    Competition.objects.filter(pk=game.pk).update(status=Status.FINISHED)
    for viewer in (host, make_user(Role.MANAGER, center=center)):
        client.force_login(viewer)
        page = client.get(reverse("competitions:results", args=[game.pk]))
        assert page.status_code == 200 and "逐题报告" in page.content.decode()
    client.force_login(make_user(Role.MANAGER))  # another center's manager
    assert client.get(reverse("competitions:results", args=[game.pk])).status_code == 404


def test_index_lists_my_drills(client, staff):
    game = make_game(title="窗口大练兵")
    join_players(game, 1)
    client.force_login(game.host)
    page = client.get(reverse("competitions:index")).content.decode()
    assert "窗口大练兵" in page and "新建大练兵" in page
    client.force_login(staff)
    assert "新建大练兵" not in client.get(reverse("competitions:index")).content.decode()


def test_the_big_screen_shows_the_team_board_in_team_mode(client):
    from django.utils import timezone

    from competitions import services
    from tests.conftest import make_team

    game = make_game(mode="team", team_source="accounts", team_scoring="average")
    join_players(game, 2, team=make_team(name="综合受理一组"))
    services.start(competition_id=game.pk, at=timezone.now())
    client.force_login(game.host)
    page = client.get(reverse("competitions:screen", args=[game.code])).content.decode()
    assert 'data-testid="team-board"' in page and "综合受理一组" in page and "平均分" in page


def test_the_lobby_on_the_big_screen_shows_the_latest_arrivals_first_and_counts_the_rest(client, monkeypatch):
    monkeypatch.setattr("competitions.selectors.state.LOBBY_NAMES", 2)
    game = make_game()
    for name in ("先到", "其次", "刚到"):
        join_players(game, 1, full_name=name)
    client.force_login(game.host)
    page = client.get(reverse("competitions:screen", args=[game.code])).content.decode()
    assert page.index("刚到") < page.index("其次") and "先到" not in page
    assert "等另外 1 人" in page and "已加入 3 人" in page


def test_the_home_card_names_the_drill_a_host_is_running_and_leads_to_the_host_page(client):
    game = make_game(title="跨省通办知识大练兵")
    client.force_login(game.host)
    page = client.get(reverse("home")).content.decode()
    assert "跨省通办知识大练兵" in page and game.code in page
    assert f'href="{reverse("competitions:host", args=[game.code])}"' in page


def test_the_join_form_label_has_no_ascii_colon(staff_client):
    page = staff_client.get(reverse("competitions:join")).content.decode()
    assert "加入码:" not in page and "加入码</label>" in page


def test_a_player_of_a_paused_drill_is_led_back_to_it_from_home(client):
    game = make_game(title="医保知识大练兵")
    player = join_players(game, 1)[0]
    Competition.objects.filter(pk=game.pk).update(status=Status.PAUSED)
    client.force_login(player.user)
    page = client.get(reverse("home")).content.decode()
    assert "医保知识大练兵" in page and "已暂停" in page
    assert f'href="{reverse("competitions:play", args=[game.code])}"' in page


def test_the_results_page_names_the_hard_point_threshold_the_report_uses(client, center, monkeypatch):
    monkeypatch.setattr(selectors, "HARD_POINT_BELOW", 0.5)
    host = make_user(Role.SUPERVISOR, center=center)
    game = make_game(host=host)
    Competition.objects.filter(pk=game.pk).update(status=Status.FINISHED)
    client.force_login(host)
    page = client.get(reverse("competitions:results", args=[game.pk])).content.decode()
    assert "正确率低于 50%" in page and "60%" not in page


def test_the_host_finds_a_player_to_remove_by_name_and_the_frames_do_not_carry_the_list(client):
    """At N = 2,000 the 移出选手 list was 409 KB of every host frame, re-sent twice a second while the
    room filled (and over Redis to every worker): it is a search on the host page now."""
    game = make_game()
    players = join_players(game, 25)
    Player.objects.filter(pk=players[3].pk).update(removed_at=game.created_at)
    from django.utils import timezone

    from competitions import rendering

    state = selectors.game_state(competition_id=game.pk, at=timezone.now())
    frame = rendering.build_frames(competition_id=game.pk, at=timezone.now(), roles=(rendering.HOST,))
    assert '"remove"' not in frame[rendering.HOST].text and "移出" not in frame[rendering.HOST].text
    assert state.players == 24

    client.force_login(game.host)
    page = client.get(reverse("competitions:host", args=[game.code])).content.decode()
    assert reverse("competitions:roster", args=[game.code]) in page
    first = client.get(reverse("competitions:roster", args=[game.code])).content.decode()
    assert first.count('"type": "remove"') == 20 and "共 24 人" in first  # a page of 20, the removed one left out
    name = players[7].user.display_name
    found = client.get(reverse("competitions:roster", args=[game.code]), {"q": name}).content.decode()
    assert f'"player": {players[7].pk}}}' in found
    assert (
        client.get(reverse("competitions:roster", args=[game.code]), {"q": "没有这个人"})
        .content.decode()
        .count('"type": "remove"')
        == 0
    )
    client.force_login(players[0].user)
    assert client.get(reverse("competitions:roster", args=[game.code])).status_code == 404
