"""Forms for setting up a drill and joining one."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from quizzes.models import Question, QuestionKind, Quiz
from training.models import BusinessArea

from .models import Mode, RoundKind, TeamScoring, TeamSource


class NoLabelSuffix:
    """Labels sit above their fields: no ASCII colon after Chinese labels (Django's zh-hans default)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CompetitionForm(NoLabelSuffix, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=100, initial=_("业务技能大练兵"))
    mode = forms.ChoiceField(label=_("赛制"), choices=Mode.choices, initial=Mode.INDIVIDUAL)
    team_source = forms.ChoiceField(label=_("队伍来源"), choices=TeamSource.choices, initial=TeamSource.ACCOUNTS)
    team_names = forms.CharField(
        label=_("临时分队队名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("临时分队时填写，每行一个；选手加入时自动分到人数最少的队。"),
    )
    team_scoring = forms.ChoiceField(label=_("团队计分"), choices=TeamScoring.choices, initial=TeamScoring.SUM)
    allow_late_join = forms.BooleanField(label=_("允许中途加入"), required=False, initial=True)
    open_to_other_centers = forms.BooleanField(
        label=_("允许其他中心人员加入"),
        required=False,
        initial=False,
        help_text=_("默认只有本中心人员能用加入码加入。"),
    )
    podium_depth = forms.IntegerField(label=_("领奖台名次"), min_value=1, max_value=10, initial=3)
    scoreboard_size = forms.IntegerField(label=_("大屏排行显示人数"), min_value=3, max_value=30, initial=10)

    def clean(self):
        data = super().clean()
        ad_hoc = data.get("mode") == Mode.TEAM and data.get("team_source") == TeamSource.AD_HOC
        if ad_hoc and len([n for n in (data.get("team_names") or "").splitlines() if n.strip()]) < 2:
            self.add_error("team_names", _("临时分队至少需要两个队名。"))
        return data


class QuizChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Quiz) -> str:
        return f"{obj.title}（{obj.get_paper_kind_display()}）"


def quiz_field(**kwargs) -> QuizChoiceField:
    """Published quizzes only: a draft's questions must not reach a hall's big screen."""
    return QuizChoiceField(
        label=_("试卷"), queryset=Quiz.objects.filter(is_published=True).order_by("-created_at", "title"), **kwargs
    )


MAX_PICKED = 50


class QuestionIdsWidget(forms.TextInput):
    """The picked questions' ids, comma separated; the picker (questions found by search, a page at
    a time) adds to it. A plain list of ids posted by a script works too."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        return ",".join(str(value) for value in values if value)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(getattr(item, "pk", item)) for item in value)
        return super().format_value(value)


class QuestionIdsField(forms.Field):
    widget = QuestionIdsWidget

    def clean(self, value):
        value = super().clean(value)
        parts = [part for part in str(value or "").replace("，", ",").replace(" ", ",").split(",") if part]
        if len(parts) > MAX_PICKED:
            raise forms.ValidationError(_("一轮最多手动选 %(n)s 道题。") % {"n": MAX_PICKED})
        try:
            ids = list(dict.fromkeys(int(part) for part in parts))
        except ValueError:
            raise forms.ValidationError(_("题目编号格式不正确。")) from None
        found = {q.pk: q for q in Question.objects.filter(is_active=True, pk__in=ids)}
        if len(found) != len(ids):
            raise forms.ValidationError(_("所选题目不存在或已停用。"))
        return [found[pk] for pk in ids]


class RoundForm(NoLabelSuffix, forms.Form):
    SOURCE_DRAW, SOURCE_PICK, SOURCE_QUIZ = "draw", "pick", "quiz"

    enabled = forms.BooleanField(label=_("启用本轮"), required=False, initial=True)
    kind = forms.ChoiceField(label=_("题型轮"), choices=RoundKind.choices)
    seconds = forms.IntegerField(label=_("每题限时（秒）"), min_value=5, max_value=180, initial=20)
    points = forms.IntegerField(label=_("答对得分"), min_value=1, max_value=100, initial=10)
    penalty = forms.IntegerField(label=_("答错/抢跑扣分"), min_value=0, max_value=100, initial=10)
    speed_bonus = forms.BooleanField(label=_("速度加分"), required=False, initial=True)
    streak_bonus = forms.BooleanField(label=_("连对加分"), required=False, initial=False)
    source = forms.ChoiceField(
        label=_("出题方式"),
        choices=[(SOURCE_DRAW, _("按规则从题库抽题")), (SOURCE_QUIZ, _("从试卷导入")), (SOURCE_PICK, _("手动选题"))],
        initial=SOURCE_DRAW,
        widget=forms.RadioSelect,
    )
    area = forms.ModelChoiceField(
        label=_("业务条线"), queryset=BusinessArea.objects.all(), required=False, empty_label=_("全部条线")
    )
    question_kind = forms.ChoiceField(
        label=_("题型"), choices=[("", _("全部题型")), *QuestionKind.choices], required=False
    )
    min_difficulty = forms.IntegerField(label=_("最低难度"), min_value=1, max_value=5, initial=1)
    max_difficulty = forms.IntegerField(label=_("最高难度"), min_value=1, max_value=5, initial=5)
    count = forms.IntegerField(label=_("题数"), min_value=1, max_value=50, initial=3)
    quiz = quiz_field(
        required=False,
        empty_label=_("选择试卷"),
        help_text=_("固定试卷导入其全部题目；规则组卷在创建时按其规则抽一套题。"),
    )
    questions = QuestionIdsField(
        label=_("手动选题（题目编号）"),
        required=False,
        help_text=_("用下方搜索找题，点“加入”即填入编号；也可直接填写编号，用逗号分隔。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("enabled") and data.get("source") == self.SOURCE_PICK and not data.get("questions"):
            self.add_error("questions", _("请至少勾选一道题。"))
        if data.get("enabled") and data.get("source") == self.SOURCE_QUIZ and not data.get("quiz"):
            self.add_error("quiz", _("请选择一份试卷。"))
        return data


# absolute_max: Django would otherwise build up to max_num + 1000 forms from a posted TOTAL_FORMS.
RoundFormSet = formset_factory(RoundForm, extra=0, min_num=1, max_num=6, absolute_max=6, validate_max=True)

DEFAULT_ROUNDS = [
    {"kind": RoundKind.REQUIRED, "seconds": 20, "points": 10, "penalty": 0, "count": 3, "speed_bonus": True},
    {"kind": RoundKind.BUZZER, "seconds": 15, "points": 20, "penalty": 10, "count": 2, "speed_bonus": False},
    {"kind": RoundKind.RISK, "seconds": 20, "points": 10, "count": 1, "speed_bonus": False},
]


def rounds_from_quiz(quiz: Quiz) -> list[dict]:
    """The set-up form's first round takes the quiz's paper; the bank rounds are there but off."""
    first = {**DEFAULT_ROUNDS[0], "source": RoundForm.SOURCE_QUIZ, "quiz": quiz.pk}
    return [first, *({**spec, "enabled": False} for spec in DEFAULT_ROUNDS[1:])]


class FromQuizForm(NoLabelSuffix, forms.Form):
    """The shortcut at the top of the set-up page: start from a quiz (a GET that fills the form)."""

    quiz = quiz_field(empty_label=_("选择试卷"))


class JoinForm(NoLabelSuffix, forms.Form):
    code = forms.RegexField(
        label=_("加入码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("请输入 6 位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6}),
    )
