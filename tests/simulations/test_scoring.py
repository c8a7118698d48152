"""The scoring formula of docs/simulations.md, checked against a hand-computed example."""

from simulations.scoring import StepTiming, combine_with_rubric, compute_scores, is_good_rating, step_speed


def test_scores_match_the_hand_computed_example():
    # Ideal path: accuracy 20, manners 10, completeness 10. This run earned 15 / 10 / 5.
    # Step 1: 10 s of 60 (within half the limit) -> speed 1.0; step 2: 45 s of 60 -> 2 * (1 - 0.75) = 0.5.
    scores = compute_scores(
        accuracy=15,
        manners=10,
        completeness=5,
        max_accuracy=20,
        max_manners=10,
        max_completeness=10,
        timings=[StepTiming(10, 60, False), StepTiming(45, 60, False)],
    )
    # 40 * 0.75 + 15 * 0.75 + 25 * 1.0 + 20 * 0.5 = 30 + 11.25 + 25 + 10 = 76.25 -> 76
    assert (scores.accuracy, scores.speed, scores.manners, scores.completeness) == (0.75, 0.75, 1.0, 0.5)
    assert scores.overall == 76
    # With a rubric of 6 of 8 points at weight 0.4: 0.6 * 76 + 0.4 * 75 = 75.6 -> 76
    assert combine_with_rubric(overall=76, rubric_ratio=6 / 8, weight=0.4) == 76
    assert combine_with_rubric(overall=76, rubric_ratio=0.25, weight=0.4) == 56  # 45.6 + 10 = 55.6


def test_negative_points_clamp_to_zero_and_a_timeout_scores_no_speed():
    scores = compute_scores(
        accuracy=-10,
        manners=-3,
        completeness=0,
        max_accuracy=40,
        max_manners=15,
        max_completeness=25,
        timings=[StepTiming(60, 60, True)],
    )
    assert scores.overall == 0
    assert step_speed(StepTiming(30, 60, False)) == 1.0
    assert step_speed(StepTiming(60, 60, False)) == 0.0


def test_rating_needs_a_good_ending_and_sixty_points():
    assert is_good_rating(overall=60, reached_good_ending=True)
    assert not is_good_rating(overall=59, reached_good_ending=True)
    assert not is_good_rating(overall=95, reached_good_ending=False)


def test_a_combined_score_on_a_half_rounds_up_not_down():
    """Issue 13: the combined score came out truncated. 0.7 × 45 + 0.3 × 0 is 31.5 exactly, but in
    floating point 0.7 × 45 = 31.499999999999996, and floor(x + 0.5) gave 31."""
    assert combine_with_rubric(overall=45, rubric_ratio=0.0, weight=0.3) == 32
    assert combine_with_rubric(overall=65, rubric_ratio=1.0, weight=0.3) == 76  # 45.5 + 30 = 75.5
    assert combine_with_rubric(overall=76, rubric_ratio=0.5, weight=0.4) == 66  # 45.6 + 20 = 65.6
