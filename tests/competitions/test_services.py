"""The live game's rules, told through the services with the server's clock passed in."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Role
from competitions import rendering, services
from competitions.models import Answer, Competition, Mode, Phase, Player, RoundKind, Status, TeamScoring, TeamSource
from competitions.selectors import game_state
from competitions.services import Refused
from leaderboard.models import LedgerEntry
from quizzes.memory_selectors import book_cards
from quizzes.models import MemoryCard
from quizzes.services import record_outcome
from tests.competitions.factories import join_players, make_game
from tests.conftest import make_area, make_team, make_user
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db
T0 = timezone.now()


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def started(game, seconds=0):
    services.start(competition_id=game.pk, at=at(seconds))
    game.refresh_from_db()
    return game


def answer(player, game, labels="A", seconds=1, text=""):
    game.refresh_from_db()
    ack = services.submit_answer(
        player_id=player.pk, game_question_id=game.current_id, labels=list(labels), text=text, at=at(seconds)
    )
    if ack.close:  # everyone has answered: the socket closes the question in its own hop
        services.close_question(competition_id=game.pk, at=at(seconds))
    return ack


def test_required_round_scores_right_answers_with_speed_points_from_server_time():
    game = make_game(speed_bonus=True, seconds=20)
    fast, slow, wrong = join_players(game, 3)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    answer(fast, game, "A", seconds=2)  # 18 of 20 seconds left
    answer(slow, game, "A", seconds=16)  # 4 left
    answer(wrong, game, "B", seconds=1)  # everyone answered: the question closes by itself
    game.refresh_from_db()
    assert game.current.phase == Phase.CLOSED
    services.reveal(competition_id=game.pk, at=at(21))
    scores = dict(Player.objects.values_list("pk", "score"))
    assert scores[fast.pk] == 10 + 5 * 18 // 20 == 14
    assert scores[slow.pk] == 10 + 1
    assert scores[wrong.pk] == -5  # the round's 答错扣分 (5 in the factory) applies to 必答 too


def test_answers_after_the_deadline_for_another_question_or_twice_are_refused():
    game = make_game(seconds=10)
    first, second = join_players(game, 2)
    started(game)
    with pytest.raises(Refused) as not_open:
        answer(first, game, seconds=1)  # shown as pending, not opened yet
    assert not_open.value.code == "not_open"
    services.open_question(competition_id=game.pk, at=at(0))
    answer(first, game, "A", seconds=3)
    with pytest.raises(Refused) as twice:
        answer(first, game, "B", seconds=4)
    assert twice.value.code == "duplicate"
    with pytest.raises(Refused) as late:
        answer(second, game, "A", seconds=10)
    assert late.value.code == "too_late"
    other = game.questions.exclude(pk=game.current_id).get()
    with pytest.raises(Refused):
        services.submit_answer(player_id=second.pk, game_question_id=other.pk, labels=["A"], text="", at=at(5))
    assert Answer.objects.count() == 1
    assert Answer.objects.get().labels == "A"


def test_one_answer_per_player_and_question_is_a_database_constraint():
    game = make_game()
    (player,) = join_players(game, 1)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    row = {"game_question_id": game.current_id, "player": player, "received_at": at(1), "ratio": 1}
    Answer.objects.create(**row)
    with pytest.raises(IntegrityError):
        Answer.objects.create(**row)


def test_the_server_closes_a_question_at_its_deadline_and_not_before():
    game = make_game(seconds=10)
    join_players(game, 2)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    assert not services.has_overdue(competition_id=game.pk, at=at(9))
    assert not services.advance_overdue(competition_id=game.pk, at=at(9))
    assert services.has_overdue(competition_id=game.pk, at=at(10))
    assert services.advance_overdue(competition_id=game.pk, at=at(10))
    assert not services.advance_overdue(competition_id=game.pk, at=at(11))  # a second timer finds nothing
    game.refresh_from_db()
    assert game.current.phase == Phase.CLOSED


def test_buzzer_false_start_first_valid_buzz_and_right_answer():
    game = make_game(rounds=[(RoundKind.BUZZER, [make_question()])], seconds=10)
    eager, quick, slow = join_players(game, 3)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    ack = services.buzz(player_id=eager.pk, game_question_id=game.current_id, at=at(1))
    assert ack.buzz == "false_start" and ack.score == -5
    eager.refresh_from_db()
    assert eager.score == -5  # the penalty is public at once
    with pytest.raises(Refused):  # out for this question
        services.buzz(player_id=eager.pk, game_question_id=game.current_id, at=at(3))
    services.open_buzzing(competition_id=game.pk, at=at(2))
    assert services.buzz(player_id=quick.pk, game_question_id=game.current_id, at=at(3)).buzz == "won"
    assert services.buzz(player_id=slow.pk, game_question_id=game.current_id, at=at(3.1)).buzz == "late"
    with pytest.raises(Refused):
        answer(slow, game, "A", seconds=4)
    answer(quick, game, "A", seconds=5)
    game.refresh_from_db()
    assert game.current.phase == Phase.CLOSED
    services.reveal(competition_id=game.pk, at=at(6))
    scores = dict(Player.objects.values_list("pk", "score"))
    assert scores == {eager.pk: -5, quick.pk: 10, slow.pk: 0}


def test_buzzer_wrong_answer_costs_the_penalty_and_nobody_buzzing_passes_the_question():
    game = make_game(rounds=[(RoundKind.BUZZER, [make_question(), make_question()])], seconds=10)
    (player,) = join_players(game, 1)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    services.open_buzzing(competition_id=game.pk, at=at(1))
    services.buzz(player_id=player.pk, game_question_id=game.current_id, at=at(2))
    answer(player, game, "C", seconds=3)
    services.reveal(competition_id=game.pk, at=at(4))
    services.next_question(competition_id=game.pk, at=at(5))
    services.open_question(competition_id=game.pk, at=at(5))
    services.open_buzzing(competition_id=game.pk, at=at(6))
    assert services.advance_overdue(competition_id=game.pk, at=at(16))
    state = game_state(competition_id=game.pk, at=at(16))
    assert state.phase == Phase.CLOSED and not state.buzz_winner
    services.reveal(competition_id=game.pk, at=at(17))
    player.refresh_from_db()
    assert player.score == -5


def test_risk_question_wagers_before_the_question_and_wins_or_loses_them():
    game = make_game(rounds=[(RoundKind.RISK, [make_question()])], seconds=10)
    bold, careful, silent = join_players(game, 3)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    state = game_state(competition_id=game.pk, at=at(0))
    assert state.phase == Phase.WAGER
    services.place_wager(player_id=bold.pk, game_question_id=game.current_id, amount=30, at=at(1))
    services.place_wager(player_id=careful.pk, game_question_id=game.current_id, amount=20, at=at(1))
    with pytest.raises(Refused):
        services.place_wager(player_id=silent.pk, game_question_id=game.current_id, amount=25, at=at(1))
    # The wager time runs out: the server shows the question; wagers are closed now.
    assert services.advance_overdue(competition_id=game.pk, at=at(services.WAGER_SECONDS))
    with pytest.raises(Refused):
        services.place_wager(player_id=silent.pk, game_question_id=game.current_id, amount=10, at=at(16))
    answer(bold, game, "A", seconds=16)
    answer(careful, game, "B", seconds=16)
    answer(silent, game, "A", seconds=17)
    services.reveal(competition_id=game.pk, at=at(30))
    scores = dict(Player.objects.values_list("pk", "score"))
    assert scores == {bold.pk: 30, careful.pk: -20, silent.pk: 10}


def test_pause_freezes_the_time_left_and_resume_gives_it_back():
    game = make_game(seconds=20)
    (player,) = join_players(game, 1)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    services.pause(competition_id=game.pk, at=at(5))
    with pytest.raises(Refused) as paused:
        answer(player, game, "A", seconds=6)
    assert paused.value.code == "paused"
    assert not services.advance_overdue(competition_id=game.pk, at=at(500))
    services.resume(competition_id=game.pk, at=at(100))
    game.refresh_from_db()
    assert game.current.deadline == at(115)


def test_the_hosts_last_socket_leaving_pauses_the_game():
    game = started(make_game())
    services.host_seen(competition_id=game.pk, channel_names=["laptop", "tablet"], at=at(0))
    assert not services.host_left(competition_id=game.pk, channel_name="laptop", at=at(1))
    assert services.host_left(competition_id=game.pk, channel_name="tablet", at=at(2))
    game.refresh_from_db()
    assert game.status == Status.PAUSED and game.pause_reason == "host_left"


def test_host_presence_is_derived_a_socket_that_died_without_its_disconnect_expires():
    """A worker that crashed (or lost Redis) never ran disconnect: its row stops being renewed."""
    game = started(make_game())
    services.host_seen(competition_id=game.pk, channel_names=["crashed-worker"], at=at(0))
    assert not services.pause_if_host_gone(competition_id=game.pk, at=at(services.HOST_EXPIRY_SECONDS - 1))
    services.host_seen(competition_id=game.pk, channel_names=["crashed-worker"], at=at(10))  # a heartbeat
    assert not services.pause_if_host_gone(competition_id=game.pk, at=at(10 + services.HOST_EXPIRY_SECONDS - 1))
    assert services.pause_if_host_gone(competition_id=game.pk, at=at(10 + services.HOST_EXPIRY_SECONDS + 1))
    game.refresh_from_db()
    assert game.status == Status.PAUSED and game.pause_reason == "host_left"
    assert not services.pause_if_host_gone(competition_id=game.pk, at=at(100))  # paused once


def test_a_player_who_comes_back_is_the_same_player_with_the_same_score():
    game = make_game()
    (player,) = join_players(game, 1)
    Player.objects.filter(pk=player.pk).update(score=42)
    again = services.join(code=game.code, user=player.user, at=at(100))
    assert again.pk == player.pk and again.score == 42


def test_players_are_numbered_in_order_of_joining_and_the_reveal_table_is_indexed_by_number():
    """The reveal's shared table is found by number on the phone: numbers are dense, kept on a
    rejoin, never reused after a removal, and a removed player's row is empty."""
    game = make_game()
    first, second = join_players(game, 2)
    assert (first.number, second.number) == (0, 1)
    assert services.join(code=game.code, user=first.user, at=at(1)).number == 0
    services.remove_player(competition_id=game.pk, player_id=second.pk, at=at(2))
    (third,) = join_players(game, 1)
    assert third.number == 2
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    answer(first, game, "A")
    answer(third, game, "B")  # the last one: the question closes
    services.reveal(competition_id=game.pk, at=at(21))
    seats = rendering.seats_table(game_state(competition_id=game.pk, at=at(22)))
    assert seats == [10, 10, 2, None, None, None, -5, -5, 1]


def test_late_joining_follows_the_setting_and_removed_players_stay_out():
    strict = started(make_game(allow_late_join=False))
    with pytest.raises(Refused):
        services.join(code=strict.code, user=make_user(), at=at(1))
    open_game = started(make_game(allow_late_join=True))
    (player,) = join_players(open_game, 1)
    services.remove_player(competition_id=open_game.pk, player_id=player.pk, at=at(2))
    with pytest.raises(Refused):
        services.join(code=open_game.code, user=player.user, at=at(3))
    with pytest.raises(Refused):
        services.join(code="000000", user=make_user(), at=at(3))


def test_team_mode_from_account_teams_and_ad_hoc_teams_dealt_evenly():
    blue, red = make_team(name="一班"), make_team(name="二班")
    game = make_game(mode=Mode.TEAM, team_source=TeamSource.ACCOUNTS, team_scoring=TeamScoring.AVERAGE)
    a, b = join_players(game, 2, team=blue)
    (c,) = join_players(game, 1, team=red)
    assert {a.team.name, c.team.name} == {"一班", "二班"} and a.team_id == b.team_id
    Player.objects.filter(pk=a.pk).update(score=10)
    Player.objects.filter(pk=b.pk).update(score=20)
    Player.objects.filter(pk=c.pk).update(score=12)
    teams = game_state(competition_id=game.pk, at=at(0)).teams
    assert [(row.name, row.score) for row in teams] == [("一班", 15), ("二班", 12)]

    ad_hoc = make_game(mode=Mode.TEAM, team_source=TeamSource.AD_HOC, team_names=["猛虎队", "雄鹰队"])
    players = join_players(ad_hoc, 4)
    sizes = sorted(Player.objects.filter(pk__in=[p.pk for p in players]).values_list("team__name", flat=True))
    assert sizes == ["猛虎队", "猛虎队", "雄鹰队", "雄鹰队"]


def test_finishing_writes_the_ledger_once_per_player_and_area_and_fills_the_mistake_book():
    social, medical = make_area("社会保障"), make_area("医疗保障")
    q1, q2 = make_question(social), make_question(medical)
    game = make_game(rounds=[(RoundKind.REQUIRED, [q1, q2])])
    right, wrong = join_players(game, 2)
    started(game)
    for number in range(2):
        services.open_question(competition_id=game.pk, at=at(10 * number))
        answer(right, game, "A", seconds=10 * number + 1)
        answer(wrong, game, "B", seconds=10 * number + 1)
        services.reveal(competition_id=game.pk, at=at(10 * number + 2))
        if number == 0:
            services.next_question(competition_id=game.pk, at=at(3))
    assert services.finish(competition_id=game.pk, at=at(30))
    assert not services.finish(competition_id=game.pk, at=at(31))  # a second click writes nothing
    rows = LedgerEntry.objects.filter(activity_kind="competition", activity_id=str(game.pk))
    assert rows.count() == 4
    assert {(r.person_id, r.area_id, r.score_ratio, r.points) for r in rows} == {
        (right.user_id, social.pk, 1.0, 10),
        (right.user_id, medical.pk, 1.0, 10),
        # −5 each in the drill (答错扣分); the ledger's 积分规则 never write below 0
        (wrong.user_id, social.pk, 0.0, 0),
        (wrong.user_id, medical.pk, 0.0, 0),
    }
    assert set(MemoryCard.objects.filter(wrong_count__gt=0).values_list("person_id", "question_id")) == {
        (wrong.user_id, q1.pk),
        (wrong.user_id, q2.pk),
    }
    game.refresh_from_db()
    assert game.status == Status.FINISHED
    assert [row.name for row in game_state(competition_id=game.pk, at=at(31)).podium][0] == right.user.display_name


def test_answers_in_a_drill_review_the_same_memory_cards_as_practice():
    area = make_area()
    known_weak, new_one = make_question(area), make_question(area)
    game = make_game(rounds=[(RoundKind.REQUIRED, [known_weak, new_one])])
    learner, silent = join_players(game, 2)
    # Yesterday's practice put the first question in the learner's 错题本.
    yesterday = record_outcome(person=learner.user, question=known_weak, ratio=0, source="practice", at=at(-86_400))
    # An hour ago the learner got the second one right in practice: a card, but not in the book.
    seen = record_outcome(person=learner.user, question=new_one, ratio=1, source="practice", at=at(-3_600))
    assert not book_cards(person=learner.user).filter(question=new_one).exists()
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    answer(learner, game, "A", seconds=1)  # right this time
    services.close_question(competition_id=game.pk, at=at(2))
    services.reveal(competition_id=game.pk, at=at(2))
    services.next_question(competition_id=game.pk, at=at(3))
    services.open_question(competition_id=game.pk, at=at(4))
    answer(learner, game, "C", seconds=5)  # wrong
    services.close_question(competition_id=game.pk, at=at(6))
    services.reveal(competition_id=game.pk, at=at(6))

    services.finish(competition_id=game.pk, at=at(30))

    again = MemoryCard.objects.get(person=learner.user, question=known_weak)
    assert again.pk == yesterday.pk and again.reviews == 2  # the drill reviewed yesterday's card
    assert again.stability > yesterday.stability and again.due > at(30)  # right: pushed out
    assert list(again.review_log.values_list("source", flat=True)) == ["practice", "competition"]
    fresh = MemoryCard.objects.get(person=learner.user, question=new_one)
    assert fresh.pk == seen.pk and fresh.source == "competition" and fresh.wrong_count == 1
    assert set(book_cards(person=learner.user).values_list("question", flat=True)) == {known_weak.pk, new_one.pk}
    # The drill's wrong answer lands in the very card practice would have used, due the next day.
    assert timezone.localdate(fresh.due) == timezone.localdate(at(30)) + timedelta(days=1)
    assert not MemoryCard.objects.filter(person=silent.user).exists()  # saying nothing is no answer


def test_correct_answers_are_not_in_the_state_until_revealed():
    game = make_game()
    join_players(game, 1)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    state = game_state(competition_id=game.pk, at=at(1))
    assert all(option.correct is None for option in state.options) and not state.results
    services.close_question(competition_id=game.pk, at=at(2))
    services.reveal(competition_id=game.pk, at=at(3))
    state = game_state(competition_id=game.pk, at=at(4))
    assert [option.label for option in state.options if option.correct] == ["A"]


def test_a_game_needs_questions():
    with pytest.raises(Refused):
        make_game(rounds=[(RoundKind.REQUIRED, [])])
    assert not Competition.objects.exists()


def test_streak_bonus_rewards_consecutive_right_answers():
    game = make_game(rounds=[(RoundKind.REQUIRED, [make_question() for _ in range(3)])], streak_bonus=True)
    (player,) = join_players(game, 1)
    started(game)
    for number in range(3):
        services.open_question(competition_id=game.pk, at=at(10 * number))
        answer(player, game, "A", seconds=10 * number + 1)
        services.reveal(competition_id=game.pk, at=at(10 * number + 2))
        if number < 2:
            services.next_question(competition_id=game.pk, at=at(10 * number + 3))
    player.refresh_from_db()
    assert player.score == 10 + 12 + 14


def test_only_drill_runners_host_and_the_host_role_is_checked_for_results():
    from competitions.selectors import can_view_results

    supervisor = make_user(Role.SUPERVISOR)
    game = make_game(host=supervisor)
    manager = make_user(Role.MANAGER, center=supervisor.center)
    assert can_view_results(supervisor, game)
    assert not can_view_results(make_user(Role.STAFF), game)
    assert not can_view_results(make_user(Role.SUPERVISOR), game)
    assert can_view_results(manager, game) == (supervisor.center_id is not None)


def test_the_podium_holds_the_first_places_whatever_their_scores():
    game = make_game(rounds=[(RoundKind.REQUIRED, [make_question()])])
    winner, wrong, silent = join_players(game, 3)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    answer(winner, game, "A", seconds=1)
    answer(wrong, game, "B", seconds=1)
    services.close_question(competition_id=game.pk, at=at(2))
    services.reveal(competition_id=game.pk, at=at(2))
    services.finish(competition_id=game.pk, at=at(3))
    state = game_state(competition_id=game.pk, at=at(4))
    # 10, 0 (silent), −5 (wrong): three players on a three-step podium (issue 11, item 8)
    assert [row.player_id for row in state.podium] == [winner.pk, silent.pk, wrong.pk]
    assert len(state.scoreboard) == 3


def test_a_round_is_introduced_before_its_first_question_only():
    game = make_game(
        rounds=[(RoundKind.REQUIRED, [make_question(), make_question()]), (RoundKind.BUZZER, [make_question()])]
    )
    join_players(game, 1)
    started(game)
    first = game_state(competition_id=game.pk, at=at(0))
    assert (first.round_position, first.round_size, first.round_first) == (1, 2, True)
    assert not first.has_scores
    stage = rendering.render_role(first, rendering.SCREEN)["screen-stage"]
    assert "第 1 轮 / 共 2 轮" in stage and "人人作答，每题 20 秒" in stage
    for step in (services.open_question, services.close_question, services.reveal, services.next_question):
        step(competition_id=game.pk, at=at(1))
    second = game_state(competition_id=game.pk, at=at(2))
    assert (second.round_position, second.round_first) == (2, False)
    assert "人人作答" not in rendering.render_role(second, rendering.SCREEN)["screen-stage"]
    for step in (services.open_question, services.close_question, services.reveal, services.next_question):
        step(competition_id=game.pk, at=at(3))
    buzzer = rendering.render_role(game_state(competition_id=game.pk, at=at(4)), rendering.PLAY)["play-stage"]
    assert "提前按算抢跑 −5" in buzzer  # the phones get the new round's rules too


def test_a_reconnecting_phone_renders_only_its_own_screen(monkeypatch):
    game = make_game()
    join_players(game, 2)
    rendered = []
    real = rendering.render_role
    monkeypatch.setattr(rendering, "render_role", lambda state, role: rendered.append(role) or real(state, role))
    frames = rendering.build_frames(competition_id=game.pk, at=at(0), roles=(rendering.PLAY,))
    assert rendered == [rendering.PLAY] and set(frames) == {rendering.PLAY}
    assert frames[rendering.PLAY].players == 2
    rendered.clear()
    frames = rendering.build_frames(competition_id=game.pk, at=at(0))
    assert sorted(rendered) == sorted(rendering.ROLES) and "host-tally" in frames[rendering.HOST].text


def test_a_silent_buzz_winner_loses_the_penalty():
    """Mutation survivor (issue 12, item 9): the winner who buzzes and then says nothing was never penalised
    by any test; deleting the silent-winner branch of scoring._settle_buzzer went unnoticed."""
    game = make_game(rounds=[(RoundKind.BUZZER, [make_question()])], seconds=10)
    winner, other = join_players(game, 2)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    services.open_buzzing(competition_id=game.pk, at=at(1))
    assert services.buzz(player_id=winner.pk, game_question_id=game.current_id, at=at(2)).buzz == "won"
    assert services.advance_overdue(competition_id=game.pk, at=at(13))  # the answer time runs out in silence
    services.reveal(competition_id=game.pk, at=at(14))
    scores = dict(Player.objects.values_list("pk", "score"))
    assert scores == {winner.pk: -5, other.pk: 0}
    silent = Answer.objects.get(player=winner)
    assert silent.points == -5 and silent.ratio == 0 and not silent.labels


def test_a_risk_player_who_wagers_and_stays_silent_loses_the_wager():
    """Mutation survivor: the silent wagerer's answer row could be written for nobody (player_id=None)."""
    game = make_game(rounds=[(RoundKind.RISK, [make_question()])], seconds=10)
    bold, quiet = join_players(game, 2)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    services.place_wager(player_id=quiet.pk, game_question_id=game.current_id, amount=20, at=at(1))
    services.advance_overdue(competition_id=game.pk, at=at(services.WAGER_SECONDS))
    answer(bold, game, "A", seconds=services.WAGER_SECONDS + 1)
    assert services.advance_overdue(competition_id=game.pk, at=at(services.WAGER_SECONDS + 11))
    services.reveal(competition_id=game.pk, at=at(services.WAGER_SECONDS + 12))
    assert dict(Player.objects.values_list("pk", "score")) == {bold.pk: 10, quiet.pk: -20}
    assert Answer.objects.get(player=quiet).points == -20


def test_recomputing_one_drill_counts_only_its_own_answers():
    """Mutation survivor: recompute_scores summed every drill's answers without its competition filter."""
    from competitions.scoring import recompute_scores

    first, second = make_game(), make_game()
    (one,) = join_players(first, 1)
    (other,) = join_players(second, 1, username=None)
    for game, player in ((first, one), (second, other)):
        started(game)
        services.open_question(competition_id=game.pk, at=at(0))
        answer(player, game, "A", seconds=1)
        services.reveal(competition_id=game.pk, at=at(2))
    Answer.objects.filter(player=other).update(points=99)
    recompute_scores(Competition.objects.get(pk=first.pk))
    one.refresh_from_db()
    assert one.score == 10


def test_a_buzz_winner_who_answers_right_has_a_full_ratio_in_the_ledger():
    """Mutation survivor: a buzzer answer counted twice in the expected number (ratio 0.5 instead of 1)."""
    game = make_game(rounds=[(RoundKind.BUZZER, [make_question()])], seconds=10)
    (winner,) = join_players(game, 1)
    started(game)
    services.open_question(competition_id=game.pk, at=at(0))
    services.open_buzzing(competition_id=game.pk, at=at(1))
    services.buzz(player_id=winner.pk, game_question_id=game.current_id, at=at(2))
    answer(winner, game, "A", seconds=3)
    services.reveal(competition_id=game.pk, at=at(4))
    services.finish(competition_id=game.pk, at=at(5))
    entry = LedgerEntry.objects.get(person=winner.user)
    assert entry.score_ratio == 1.0 and entry.points == 10
