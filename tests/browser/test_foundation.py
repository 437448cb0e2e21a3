"""Setup → login → adding a receptionist → logging in as them, as a new club would, in English and Russian."""

from conftest import shot


def setup_owner(page, server, name="Olga Owner", username="olga", password="owner password 1"):
    page.goto(server.setup_url())
    page.fill("#display_name", name)
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("main button[type=submit]")
    page.wait_for_url(server.base + "/")


def log_out(page):
    page.click("header .usermenu button")
    page.wait_for_url("**/login")


def log_in(page, username, password):
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_setup_login_and_a_new_receptionist_in_english(page, server):
    page.goto(server.setup_url())
    assert page.locator("h1").inner_text() == "Set up Courtside"
    shot(page, "01-setup")
    # A too-short password is refused with the message next to the field, the name kept.
    page.fill("#display_name", "Olga Owner")
    page.fill("#username", "olga")
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.click("main button[type=submit]")
    assert "at least 10 characters" in page.locator(".field-error").first.inner_text()
    assert page.input_value("#display_name") == "Olga Owner"
    page.fill("#password", "owner password 1")
    page.fill("#confirm", "owner password 1")
    page.click("main button[type=submit]")
    page.wait_for_url(server.base + "/")
    assert "Hello, Olga Owner" in page.locator("h1").inner_text()
    shot(page, "02-home")

    page.click("nav.mainnav .navmore summary")
    page.click("nav.mainnav >> text=Staff")
    page.click("text=Add staff member")
    page.fill("#display_name", "Rita Reception")
    page.fill("#username", "rita")
    page.select_option("#role", "reception")
    page.fill("#password", "rita first pass")
    page.fill("#confirm", "rita first pass")
    shot(page, "03-new-staff")
    page.click("main button[type=submit]")
    assert "Account rita created" in page.locator(".flash").inner_text()
    shot(page, "04-staff-page")

    log_out(page)
    log_in(page, "rita", "rita first pass")
    page.wait_for_url("**/profile")
    assert "Choose your own password" in page.locator(".notice").inner_text()
    page.fill("#current", "rita first pass")
    page.fill("#password", "rita's own password")
    page.fill("#confirm", "rita's own password")
    page.click("form[action='/profile/password'] button")
    page.wait_for_url(server.base + "/")
    assert "Hello, Rita Reception" in page.locator("h1").inner_text()
    assert page.locator("nav.mainnav >> text=Staff").count() == 0
    shot(page, "05-reception-home")


def test_the_same_in_russian(page, server):
    setup_owner(page, server)
    log_out(page)
    page.click("text=Русский")
    assert page.locator("label[for=username]").inner_text() == "Логин"
    log_in(page, "olga", "wrong password!")
    assert page.locator(".alert").inner_text() == "Неверный логин или пароль, или учётная запись отключена."
    shot(page, "06-login-ru")
    log_in(page, "olga", "owner password 1")
    page.wait_for_url(server.base + "/")
    page.goto(server.base + "/profile")
    page.select_option("#locale", "ru")
    page.click("form[action='/profile/language'] button")
    assert page.locator(".flash").inner_text() == "Язык сохранён."

    page.click("nav.mainnav .navmore summary")
    page.click("nav.mainnav >> text=Сотрудники")
    page.click("text=Добавить сотрудника")
    page.fill("#display_name", "Рита Администратор")
    page.fill("#username", "рита")
    page.select_option("#role", "reception")
    page.fill("#password", "первый пароль")
    page.fill("#confirm", "другой пароль")
    page.click("main button[type=submit]")
    assert page.locator(".field-error").inner_text().endswith("Пароли не совпадают.")
    assert page.input_value("#display_name") == "Рита Администратор"
    page.fill("#password", "первый пароль")
    page.fill("#confirm", "первый пароль")
    page.click("main button[type=submit]")
    assert "Учётная запись рита создана" in page.locator(".flash").inner_text()
    shot(page, "07-staff-ru")

    log_out(page)
    log_in(page, "рита", "первый пароль")
    page.wait_for_url("**/profile")
    assert "задайте свой пароль" in page.locator(".notice").inner_text()
    page.fill("#current", "первый пароль")
    page.fill("#password", "мой собственный пароль")
    page.fill("#confirm", "мой собственный пароль")
    page.click("form[action='/profile/password'] button")
    page.wait_for_url(server.base + "/")
    assert "Здравствуйте, Рита Администратор" in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "ru"
    shot(page, "08-reception-ru")


def test_audit_log_shows_who_did_what(page, server):
    setup_owner(page, server)
    page.goto(server.base + "/settings")
    page.fill("#name", "Spartak Tennis")
    page.click("main button[type=submit]")
    assert page.locator(".flash").inner_text() == "Settings saved."
    assert "Spartak Tennis" in page.locator(".brand").inner_text()
    page.goto(server.base + "/audit")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 3
    assert "Club settings changed" in rows.first.inner_text()
    assert "Olga Owner" in rows.first.inner_text()
    page.select_option("select[name=kind]", "create_staff_user")
    page.click("form.filters button")
    assert page.locator("table.audit tbody tr").count() == 1
    shot(page, "09-audit")
