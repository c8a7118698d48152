"""Login, logout and password change: Django's own views with our templates, and a login throttle."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from . import throttle
from .demo import demo_accounts


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # A locked username, or an address in its pause, is refused before the password is checked at all.
        if throttle.is_locked(username=self._username()):
            return self._locked()
        if throttle.is_paused(address=throttle.client_address(request)):
            message = _("登录尝试过于频繁，请稍候几秒再试。")
            return self._refused(message)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if self._username() and throttle.record_failure(
            username=self._username(), address=throttle.client_address(self.request)
        ):
            return self._locked()
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.record_success(username=self._username())
        return super().form_valid(form)

    def _username(self) -> str:
        return self.request.POST.get("username", "")[:150]

    def _locked(self):
        return self._refused(_("登录失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.LOCK_MINUTES})

    def _refused(self, message: str):
        form = self.get_form_class()(request=self.request, initial={"username": self._username()})
        return self.render_to_response(self.get_context_data(form=form, locked_message=message), status=429)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = settings.DEMO_PASSWORD
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/accounts/password/done/"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
