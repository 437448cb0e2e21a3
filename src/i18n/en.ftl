# Courtside — English
fmt-datetime = %-d %b %Y, %H:%M
fmt-date = %A, %-d %B %Y
skip-to-content = Skip to content
language = Language
language-club-default = Club default
save = Save
cancel = Cancel

nav-label = Main
nav-home = Today
nav-staff = Staff
nav-settings = Settings
nav-audit = Audit log
nav-profile = My profile
nav-logout = Log out

role-owner = Owner
role-manager = Manager
role-reception = Reception
role-coach = Coach

field-username = Username
field-password = Password
field-password-current = Current password
field-password-new = New password
field-password-confirm = Repeat the password
field-display-name = Full name
field-role = Role
password-rule = At least 10 characters. A few words you remember are fine.

login-title = Log in
login-intro = Staff login
login-submit = Log in
login-wrong = Wrong username or password.
login-disabled = This account is disabled. Ask your manager to enable it.
login-throttled = Too many failed attempts. Try again in { $minutes } min.
login-no-users = There is no staff account yet. Open the setup link printed on the server console when Courtside started.
login-welcome = Welcome, { $name }.
logout-done = You are logged out.

setup-title = Set up Courtside
setup-intro = Create the owner account. The owner manages staff, settings and everything else.
setup-submit = Create the owner account
setup-invalid = This setup link is not valid. Use the link printed on the server console (it changes at every start).
setup-already-done = Setup is already done. Log in with your account.
setup-welcome = The owner account is ready. Next: add your staff.

profile-title = My profile
profile-must-change = Choose your own password before you continue.
profile-password = Password
profile-password-submit = Change password
profile-language-label = Language of the interface
profile-language-saved = Language saved.
password-changed = Your password is changed.

home-greeting = Hello, { $name }
home-you = Your role
home-profile-link = Password and language
home-staff = Active staff
home-staff-link = Manage staff
home-backup = Last backup
home-backup-none = No backup yet. The nightly backup runs after { $hour }:00.
home-system = System
home-schema = Database schema { $version }
home-recent = Recent changes
home-audit-link = Open the audit log

staff-title = Staff
staff-add = Add staff member
staff-create = Create account
staff-created = Account { $name } created. They choose their own password at first login.
staff-status = Status
staff-active = Active
staff-disabled-badge = Disabled
staff-must-change = Must change password
staff-initial-password = First password
staff-initial-password-hint = Tell it to the person; they must change it when they first log in.
staff-account = Account
staff-since = Created
staff-is-you = This is your account.
staff-change-role = New role
staff-role-changed = Role changed.
staff-reset-password = Reset password
staff-reset-hint = They must change it at next login. All their sessions end now.
staff-reset-submit = Set password
staff-password-reset = Password set. Their sessions have ended.
staff-access = Access
staff-disable = Disable account
staff-disable-confirm = Disable this account? The person is logged out at once.
staff-enable = Enable account
staff-disabled = Account disabled. Its sessions and API tokens no longer work.
staff-enabled = Account enabled.

token-title = API tokens
token-intro = For scripts and integrations. Send as "Authorization: Bearer <token>". A token acts with this person's role.
token-name = Token name
token-name-example = e.g. website
token-created = Created
token-by = By
token-issue = Issue token
token-revoke = Revoke
token-revoke-confirm = Revoke this token? Scripts using it stop working.
token-revoked = Token revoked.
token-revoked-at = Revoked { $when }
token-new-title = New API token
token-new-text = Copy it now: it is shown only once and cannot be recovered.
token-already-issued = This token was already issued by your first click; it cannot be shown again. Revoke it and issue a new one if you did not copy it.

settings-title = Club settings
settings-club-name = Club name
settings-time-zone = Time zone
settings-time-zone-hint = IANA name, e.g. Europe/Moscow. Bookings and reports use this zone.
settings-locale = Default language
settings-currency = Currency
settings-pinned = Set in courtside.toml (or the environment); change it there.
settings-saved = Settings saved.

audit-title = Audit log
audit-when = When
audit-who = Who
audit-where = Where
audit-what = What
audit-outcome = Outcome
audit-applied = Applied
audit-rejected = Rejected
audit-any = Any
audit-from = From
audit-to = To
audit-filter = Filter
audit-count = { $count ->
    [one] { $count } command
   *[other] { $count } commands
}
audit-empty = No commands match.
audit-newer = Newer
audit-older = Older

kind-create_staff_user = Staff account created
kind-change_staff_role = Staff role changed
kind-set_staff_active = Staff account enabled/disabled
kind-set_staff_password = Staff password set
kind-set_staff_locale = Staff language changed
kind-issue_api_token = API token issued
kind-revoke_api_token = API token revoked
kind-update_club_settings = Club settings changed

username-too-short = A username needs at least 3 characters.
username-too-long = A username can have at most 32 characters.
username-bad-chars = Use only letters, digits, dots, dashes and underscores.
name-required = Enter the full name.
name-too-long = The name can have at most 80 characters.
password-too-short = The password needs at least 10 characters.
password-too-long = The password is too long.
password-is-username = The password must not be the username.
password-mismatch = The two passwords differ.
password-current-wrong = The current password is wrong.
password-unchanged = Choose a password different from the current one.
role-choose = Choose a role from the list.
club-name-required = Enter the club name.
club-name-too-long = The club name can have at most 80 characters.
time-zone-unknown = Unknown time zone. Use an IANA name such as Europe/Moscow.
currency-unknown = Unknown currency. Use an ISO 4217 code such as RUB or EUR.

reject-not-allowed = Your role does not allow this.
reject-role-not-allowed = You cannot give or manage the role "{ $role }".
reject-not-on-yourself = You cannot do this to your own account.
reject-last-owner = The club must keep at least one active owner.
reject-user-not-found = This staff account does not exist.
reject-user-disabled = This account is disabled.
reject-username-taken = The username { $username } is already taken.
reject-setup-done = Setup is already done.
reject-token-name-invalid = Give the token a name (up to 80 characters).
reject-token-not-found = This token does not exist.

error-home = Go to the start page
error-400-title = Bad request
error-400-text = The request could not be understood.
error-403-title = Not allowed
error-403-text = Your role does not allow this, or the form expired. Go back, reload the page and try again.
error-404-title = Not found
error-404-text = There is nothing at this address.
error-413-title = Too large
error-413-text = What you sent is too large.
error-422-title = Could not read the form
error-422-text = Some of what was sent could not be understood. Go back and check the form.
error-429-title = Too many requests
error-429-text = Wait a moment and try again.
error-500-title = Something went wrong
error-500-text = The server could not finish this. Nothing was half-saved. Try again; if it keeps happening, tell your manager.
error-503-title = Unavailable
error-503-text = Courtside cannot reach its database right now.
error-other-title = Error
error-other-text = The request failed.
