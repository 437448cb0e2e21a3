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

nav-courts = Корты
minutes = { $n } мин
weekday-1 = Понедельник
weekday-2 = Вторник
weekday-3 = Среда
weekday-4 = Четверг
weekday-5 = Пятница
weekday-6 = Суббота
weekday-7 = Воскресенье
date-invalid = Укажите дату.

courts-title = Корты
courts-empty = Кортов пока нет. Добавьте первый.
court-add = Добавить корт
court-default-name = Корт { $number }
court-name = Название
court-surface = Покрытие
court-group = Группа
court-group-hint = Необязательно, например «Крытый зал»: корты одной группы стоят рядом в сетке бронирования.
court-order = Порядок
court-features = Тип
court-indoor = Крытый
court-outdoor = Открытый
court-floodlights = Освещение
court-active = Работает
court-inactive = Не работает
court-active-label = Работает (можно бронировать)
court-created = Корт { $name } добавлен.
court-saved = Корт { $name } сохранён.
court-surface-choose = Выберите покрытие.
court-name-required = Введите название корта.
court-name-too-long = Название может содержать не больше 40 символов.
court-group-too-long = Группа может содержать не больше 40 символов.
court-order-range = Введите целое число от 0 до 999.
surface-hard = Хард
surface-clay = Грунт
surface-grass = Трава
surface-carpet = Ковёр
surface-artificial_grass = Искусственная трава

schedule-title = Часы работы и правила
hours-title = Часы работы
hours-day = День
hours-open = Открыто
hours-opens = С
hours-closes = До
hours-saved = Часы работы сохранены.
hours-invalid = Укажите время в виде ЧЧ:ММ, например 07:00 и 23:00.
hours-reversed = Время закрытия должно быть позже времени открытия.
hours-not-aligned = Время должно совпадать с шагом сетки (при шаге 30 минут: 07:00 или 07:30, но не 07:15).
rules-title = Правила бронирования
rules-step = Шаг сетки
rules-min = Самая короткая бронь (минут)
rules-max = Самая длинная бронь (минут)
rules-saved = Правила бронирования сохранены.
rules-step-invalid = Шаг сетки: 15, 30 или 60 минут.
rules-not-multiple = Укажите число минут, кратное шагу сетки (не больше 720).
rules-max-below-min = Самая длинная бронь не может быть короче самой короткой.
closures-title = Выходные дни и особые часы
closures-intro = Закройте клуб или отдельный корт в указанные дни или задайте особые часы (праздники, турниры, ремонт).
closure-add = Добавить
closure-added = Добавлено.
closure-removed = Удалено.
closure-remove = Удалить
closure-remove-confirm = Удалить это закрытие?
closure-dates = Даты
closure-first = С
closure-last = По
closure-court = Корт
closure-all-courts = Все корты
closure-hours = Часы
closure-closed = Закрыто
closure-special-hours = Особые часы вместо закрытия
closure-reason = Причина
closure-dates-reversed = Последний день не может быть раньше первого.
closure-too-long = Закрытие может длиться не больше года.
closure-reason-too-long = Причина может содержать не больше 200 символов.

kind-create_court = Добавлен корт
kind-update_court = Изменён корт
kind-set_opening_hours = Изменены часы работы
kind-set_booking_rules = Изменены правила бронирования
kind-add_closure = Добавлено закрытие
kind-remove_closure = Удалено закрытие

reject-id-taken = Этот идентификатор уже используется.
reject-court-name-taken = Корт с названием { $name } уже есть.
reject-court-not-found = Такого корта нет.
reject-closure-not-found = Такого закрытия нет (возможно, его уже удалили).
reject-hours-not-aligned = Время должно совпадать с шагом сетки { $step } минут.
reject-rules-step-misfits-hours = Часы работы не совпадают с шагом { $step } минут. Сначала измените часы.

nav-members = Клиенты
edit = Изменить
search = Найти
export-csv = Выгрузить CSV
members-title = Клиенты
members-search = Имя, телефон или номер карты
members-include-archived = Включая архив
members-count = { $count ->
    [one] { $count } клиент
    [few] { $count } клиента
   *[many] { $count } клиентов
}
members-archived-count = в архиве: { $count }
members-none = Клиентов пока нет.
members-not-found = Никого не найдено по запросу «{ $query }».
member-add = Добавить клиента
member-card = Карта
member-card-no = Номер карты
member-name = Имя и фамилия
member-phone = Телефон
member-email = Эл. почта
member-birth-date = Дата рождения
member-category = Категория
member-tags = Метки
member-tags-example = например: дети, команда А
member-notes = Заметки
member-sms-consent = Согласен получать СМС
member-no-sms = Без СМС
member-details = Данные
member-since = Клиент с
member-age = { $age ->
    [one] { $age } год
    [few] { $age } года
   *[many] { $age } лет
}
member-family = Семья
member-family-none = Связей нет.
member-guardian = Родитель
member-child = Ребёнок
member-relation = Связь
member-history = История
member-manage = Управление
member-created = { $name } добавлен(а).
member-saved = Сохранено.
member-archived = Перенесено в архив. Клиент больше не находится в поиске; история сохранена.
member-restored = Восстановлено.
member-deleted = Удалено.
member-archived-badge = В архиве
member-archive = В архив
member-restore = Восстановить
member-delete = Удалить
member-delete-confirm = Удалить клиента? Если у него есть история, он будет перенесён в архив.
member-merge = Объединить
member-merge-label = Объединить с дубликатом: номер его карты
member-merge-confirm = Объединить того клиента с этим? Его история и семья перейдут сюда, а сам он уйдёт в архив.
member-merged-done = { $name } объединён(а) с этим клиентом.
member-merged-into = Этот клиент объединён с
link-add = Связать
link-add-child = Добавить ребёнка (№ карты)
link-add-guardian = Добавить родителя (№ карты)
link-added = Связь добавлена.
link-removed = Связь удалена.
link-remove = Убрать
member-name-required = Введите имя и фамилию.
member-name-too-long = Имя может содержать не больше 100 символов.
email-invalid = Введите адрес вида name@example.org.
birth-date-invalid = Введите настоящую дату рождения.
tags-invalid = До 10 меток не длиннее 30 символов, через запятую.
notes-too-long = Заметки могут содержать не больше 2000 символов.
phone-invalid = Это не номер телефона. Запишите его с кодом страны (+7 916 123-45-67) или как набираете в своей стране.
phone-region-unknown = Введите двухбуквенный код страны, например RU, GB, US.
settings-phone-region = Страна для телефонов
settings-phone-region-hint = Номера без + и кода страны читаются как номера этой страны (например, RU: 8 916 123-45-67).

categories-title = Категории клиентов
categories-intro = Категории группируют клиентов для цен и рассылок: взрослые, дети, гости... Отключённые больше не предлагаются.
category-name = Категория
category-add = Добавить категорию
category-saved = Сохранено.
category-default-adult = Взрослый
category-default-junior = Ребёнок
category-default-senior = Пенсионер
category-default-guest = Гость
category-default-coach = Тренер

import-title = Загрузка
import-intro = Загрузка клиентов из файла CSV (UTF-8; запятая или точка с запятой). В первой строке названия столбцов; обязателен только столбец с именем. Перед сохранением вы увидите каждую строку.
import-file = Файл CSV
import-preview = Проверить файл
import-choose-file = Выберите файл CSV.
import-empty = В файле нет клиентов.
import-no-name-column = В файле нужен столбец с именем клиента (ФИО, имя или full_name).
import-too-many = В файле больше 20 000 строк; разделите его.
import-unreadable = Файл не читается как CSV в UTF-8. Сохраните его из таблицы как «CSV UTF-8».
import-will-add = { $count ->
    [one] будет добавлен { $count } клиент
    [few] будет добавлено { $count } клиента
   *[many] будет добавлено { $count } клиентов
}
import-will-skip = строк будет пропущено: { $count }
import-line = Строка
import-status = Проверка
import-ok = ОК
import-confirm = Добавить клиентов: { $count }
import-done = Загружено клиентов: { $count }.
import-row = Строка { $line }:
import-category-unknown = Неизвестная категория (сначала добавьте её в «Категории клиентов»).
import-phone-taken = Этот телефон принадлежит другому клиенту (или встречается в файле дважды).

kind-create_member = Добавлен клиент
kind-update_member = Изменён клиент
kind-set_member_archived = Клиент перенесён в архив / восстановлен
kind-delete_member = Удалён клиент
kind-merge_members = Объединены клиенты
kind-link_family = Добавлена семейная связь
kind-unlink_family = Удалена семейная связь
kind-create_category = Добавлена категория
kind-update_category = Изменена категория
kind-import_members = Загружены клиенты

reject-member-not-found = Такого клиента нет.
reject-phone-taken = Этот телефон принадлежит клиенту { $name } (карта { $card }).
reject-category-not-found = Такой категории нет.
reject-member-has-history = У клиента { $name } есть история, поэтому он перенесён в архив, а не удалён.
reject-member-merged = Этот клиент объединён с другим.
reject-merge-same = Клиента нельзя объединить с самим собой.
reject-card-not-found = Клиента с таким номером карты нет.
reject-link-self = Клиент не может быть своим родителем.
reject-link-exists = Эти двое уже связаны.
reject-link-not-found = Такой связи нет.
reject-category-name-required = Введите название категории.
reject-category-name-too-long = Название может содержать не больше 40 символов.
reject-category-taken = Категория { $name } уже есть.
reject-import-nothing = Загружать нечего.
