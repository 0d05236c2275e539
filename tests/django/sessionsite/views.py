"""Views of the session test site: the seed counter view, login, logout, whoami."""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse, HttpResponseForbidden


def index(request):
    # The seed view of the benchmark, unchanged.
    request.session['visits'] = int(request.session.get('visits', 0)) + 1
    return HttpResponse('<h1>Visits: %d</h1>' % request.session['visits'])


def login_view(request):
    """POST username, password: logs in (Django cycles the session key)."""
    user = authenticate(request, username=request.POST.get("username"),
                        password=request.POST.get("password"))
    if user is None:
        return HttpResponseForbidden("bad credentials")
    login(request, user)
    return HttpResponse("logged in as %s" % user.get_username())


def logout_view(request):
    """Logs out: Django flushes the session (deletes it, new key)."""
    logout(request)
    return HttpResponse("logged out")


def whoami(request):
    """The user and the counter, without changing the session."""
    user = request.user.get_username() if request.user.is_authenticated else "-"
    return HttpResponse("user=%s visits=%d" % (user, int(request.session.get("visits", 0))))


def health(request):
    """Readiness probe; touches no session."""
    return HttpResponse("ok")
