# Courtside — русский
fmt-datetime = %d.%m.%Y %H:%M
fmt-date = %d.%m.%Y
skip-to-content = Перейти к содержимому
language = Язык
language-club-default = Как в клубе
save = Сохранить
cancel = Отмена

nav-label = Основное меню
nav-home = Сегодня
nav-staff = Сотрудники
nav-settings = Настройки
nav-audit = Журнал действий
nav-profile = Мой профиль
nav-logout = Выйти

role-owner = Владелец
role-manager = Менеджер
role-reception = Администратор
role-coach = Тренер

field-username = Логин
field-password = Пароль
field-password-current = Текущий пароль
field-password-new = Новый пароль
field-password-confirm = Повторите пароль
field-display-name = Имя и фамилия
field-role = Роль
password-rule = Не короче 10 символов. Подойдут несколько запоминающихся слов.

login-title = Вход
login-intro = Вход для сотрудников
login-submit = Войти
login-wrong = Неверный логин или пароль.
login-disabled = Эта учётная запись отключена. Попросите менеджера её включить.
login-throttled = Слишком много неудачных попыток. Попробуйте снова через { $minutes } мин.
login-no-users = Учётных записей ещё нет. Откройте ссылку настройки, которую Courtside показал в консоли сервера при запуске.
login-welcome = Добро пожаловать, { $name }.
logout-done = Вы вышли из системы.

setup-title = Настройка Courtside
setup-intro = Создайте учётную запись владельца. Владелец управляет сотрудниками, настройками и всем остальным.
setup-submit = Создать учётную запись владельца
setup-invalid = Эта ссылка настройки недействительна. Используйте ссылку из консоли сервера (она меняется при каждом запуске).
setup-already-done = Настройка уже выполнена. Войдите под своей учётной записью.
setup-welcome = Учётная запись владельца готова. Теперь добавьте сотрудников.

profile-title = Мой профиль
profile-must-change = Прежде чем продолжить, задайте свой пароль.
profile-password = Пароль
profile-password-submit = Сменить пароль
profile-language-label = Язык интерфейса
profile-language-saved = Язык сохранён.
password-changed = Пароль изменён.

home-greeting = Здравствуйте, { $name }
home-you = Ваша роль
home-profile-link = Пароль и язык
home-staff = Активных сотрудников
home-staff-link = Управление сотрудниками
home-backup = Последняя резервная копия
home-backup-none = Резервных копий пока нет. Ночная копия делается после { $hour }:00.
home-system = Система
home-schema = Схема базы данных { $version }
home-recent = Последние изменения
home-audit-link = Открыть журнал действий

staff-title = Сотрудники
staff-add = Добавить сотрудника
staff-create = Создать учётную запись
staff-created = Учётная запись { $name } создана. При первом входе сотрудник задаст свой пароль.
staff-status = Статус
staff-active = Активен
staff-disabled-badge = Отключён
staff-must-change = Должен сменить пароль
staff-initial-password = Первый пароль
staff-initial-password-hint = Сообщите его сотруднику: при первом входе его нужно будет сменить.
staff-account = Учётная запись
staff-since = Создана
staff-is-you = Это ваша учётная запись.
staff-change-role = Новая роль
staff-role-changed = Роль изменена.
staff-reset-password = Сбросить пароль
staff-reset-hint = Сотрудник сменит его при следующем входе. Все его сеансы завершатся сразу.
staff-reset-submit = Задать пароль
staff-password-reset = Пароль задан. Сеансы сотрудника завершены.
staff-access = Доступ
staff-disable = Отключить учётную запись
staff-disable-confirm = Отключить эту учётную запись? Сотрудник сразу выйдет из системы.
staff-enable = Включить учётную запись
staff-disabled = Учётная запись отключена. Её сеансы и API-токены больше не действуют.
staff-enabled = Учётная запись включена.

token-title = API-токены
token-intro = Для скриптов и интеграций. Передавайте как "Authorization: Bearer <токен>". Токен действует с ролью этого сотрудника.
token-name = Название токена
token-name-example = например, сайт
token-created = Создан
token-by = Кем
token-issue = Выпустить токен
token-revoke = Отозвать
token-revoke-confirm = Отозвать этот токен? Скрипты, которые его используют, перестанут работать.
token-revoked = Токен отозван.
token-revoked-at = Отозван { $when }
token-new-title = Новый API-токен
token-new-text = Скопируйте его сейчас: он показывается только один раз и не восстанавливается.
token-already-issued = Этот токен уже выпущен по первому нажатию, показать его снова нельзя. Если вы его не скопировали, отзовите и выпустите новый.

settings-title = Настройки клуба
settings-club-name = Название клуба
settings-time-zone = Часовой пояс
settings-time-zone-hint = Название IANA, например Europe/Moscow. Бронирования и отчёты используют этот пояс.
settings-locale = Язык по умолчанию
settings-currency = Валюта
settings-pinned = Задано в courtside.toml (или в переменных окружения); меняйте там.
settings-saved = Настройки сохранены.

audit-title = Журнал действий
audit-when = Когда
audit-who = Кто
audit-where = Где
audit-what = Что
audit-outcome = Результат
audit-applied = Выполнено
audit-rejected = Отклонено
audit-any = Любое
audit-from = С
audit-to = По
audit-filter = Показать
audit-count = { $count ->
    [one] { $count } команда
    [few] { $count } команды
   *[many] { $count } команд
}
audit-empty = Подходящих команд нет.
audit-newer = Новее
audit-older = Старше

kind-create_staff_user = Создана учётная запись
kind-change_staff_role = Изменена роль сотрудника
kind-set_staff_active = Учётная запись включена/отключена
kind-set_staff_password = Задан пароль сотрудника
kind-set_staff_locale = Изменён язык сотрудника
kind-issue_api_token = Выпущен API-токен
kind-revoke_api_token = Отозван API-токен
kind-update_club_settings = Изменены настройки клуба

username-too-short = Логин должен содержать не меньше 3 символов.
username-too-long = Логин может содержать не больше 32 символов.
username-bad-chars = Используйте только буквы, цифры, точки, дефисы и подчёркивания.
name-required = Введите имя и фамилию.
name-too-long = Имя может содержать не больше 80 символов.
password-too-short = Пароль должен содержать не меньше 10 символов.
password-too-long = Пароль слишком длинный.
password-is-username = Пароль не должен совпадать с логином.
password-mismatch = Пароли не совпадают.
password-current-wrong = Текущий пароль неверен.
password-unchanged = Выберите пароль, отличный от текущего.
role-choose = Выберите роль из списка.
club-name-required = Введите название клуба.
club-name-too-long = Название клуба может содержать не больше 80 символов.
time-zone-unknown = Неизвестный часовой пояс. Укажите название IANA, например Europe/Moscow.
currency-unknown = Неизвестная валюта. Укажите код ISO 4217, например RUB или EUR.

reject-not-allowed = Ваша роль этого не позволяет.
reject-role-not-allowed = Вы не можете назначать роль «{ $role }» или управлять ею.
reject-not-on-yourself = Это нельзя сделать со своей учётной записью.
reject-last-owner = В клубе должен остаться хотя бы один активный владелец.
reject-user-not-found = Такой учётной записи нет.
reject-user-disabled = Эта учётная запись отключена.
reject-username-taken = Логин { $username } уже занят.
reject-setup-done = Настройка уже выполнена.
reject-token-name-invalid = Дайте токену название (до 80 символов).
reject-token-not-found = Такого токена нет.

error-home = На главную
error-400-title = Неверный запрос
error-400-text = Запрос не удалось разобрать.
error-403-title = Нет доступа
error-403-text = Ваша роль этого не позволяет, или форма устарела. Вернитесь, обновите страницу и попробуйте снова.
error-404-title = Не найдено
error-404-text = По этому адресу ничего нет.
error-413-title = Слишком большой запрос
error-413-text = Отправленные данные слишком велики.
error-422-title = Не удалось прочитать форму
error-422-text = Часть отправленных данных не удалось разобрать. Вернитесь и проверьте форму.
error-429-title = Слишком много запросов
error-429-text = Подождите немного и попробуйте снова.
error-500-title = Что-то пошло не так
error-500-text = Сервер не смог выполнить запрос. Ничего не сохранилось наполовину. Попробуйте ещё раз; если ошибка повторяется, сообщите менеджеру.
error-503-title = Недоступно
error-503-text = Courtside сейчас не может обратиться к базе данных.
error-other-title = Ошибка
error-other-text = Запрос не выполнен.
