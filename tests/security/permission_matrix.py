"""The expected permission matrix: every URL pattern × method × role → allowed / denied / hidden.

Read by tests/security/test_permission_matrix.py, which enumerates the URL resolver and fails
on a pattern missing here. Derived from the rules of issue #10 (and README "API", "Staff pages"):

- anonymous reads only published issues and documents, the catalogue, the public site;
- department staff read tasks, and report progress or change status, only for the tasks of
  their own departments (a task outside them is hidden, as is a draft issue and its content);
- 督查 (supervisor) reads everything, urges (催办) and closes (督查办结);
- 秘书处 (secretariat) imports, edits and publishes issues, corrects assignments and keeps the
  department registry;
- an inactive user is treated as anonymous (its session no longer signs it in).

Columns: anon = anonymous; A = staff of 市财政局 (department A); B = staff of 市卫生计生委
(department B, not on the tasks used); AB = a user in 市财政局 and 市民政局; sup = supervisor
(督查); sec = secretariat (秘书处); inact = inactive user of 市财政局.

Cells: A allowed (2xx/3xx, or 400/409 for a write whose body is refused after the permission
check passed), D denied (401/403, or a redirect to the login page), H hidden (404).
Anything else (405, 500, ...) fails the test.

Methods: a list such as GET,POST, or ANY for a view that does not restrict its methods (it is
then called with GET, POST, PUT, PATCH and DELETE). The test checks that the methods listed
are exactly the ones the view accepts.

Objects: which seed object fills the URL (see OBJECTS in the test), "-" for none:
  task            a task of 市财政局 (not of 市卫生计生委), in the published seed issue
  civil_task      a task of 市民政局 (not of 市财政局 or 市卫生计生委), published
  draft_task      a task of 市财政局 in a draft issue
  assignment      the 市财政局 assignment of ``task``;  report / attachment: a progress
                  report of 市财政局 on ``task`` and its attachment
  issue, document, catalogue_item            published;  draft_issue, draft_document,
  draft_catalogue_item                       in a draft issue
  notification    a message in finance's inbox;  feed: finance's calendar feed of 市财政局
  inactive_feed   the inactive user's feed;   event: a disclosure event of 市财政局
  department      市财政局;  new_department: a department awaiting review, alias: its alias
  reset           an (invalid) password reset link
  relation        a proposed 废止 relation of ``draft_document``

The admin site (namespace admin:) is one rule: none of these roles is staff, so every admin
page, for GET and POST, sends them to the admin login (rows admin:index, admin:login and
admin:logout are checked individually; "admin:*" covers every other admin pattern, including
those of models registered later).

Rows marked "optional:" are checked only when the pattern exists (none at present; MEDIA_ROOT
is never served as such, so there is no media route even with DEBUG).
"""

ROLES = ("anonymous", "finance", "health", "both", "supervisor", "secretariat", "inactive")
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# fmt: off
TABLE = """
# name                          methods       object                anon A B AB sup sec inact
# --- site -------------------------------------------------------------------------------------
home                            GET           -                     A    A A A  A   A   A
healthz                         GET           -                     A    A A A  A   A   A
ping                            GET           -                     A    A A A  A   A   A
# --- admin (no role here is staff) ------------------------------------------------------------
admin:index                     GET,POST      -                     D    D D D  D   D   D
admin:login                     GET,POST      -                     A    A A A  A   A   A
admin:logout                    GET,POST      -                     D    D D D  D   D   D
admin:*                         GET,POST      -                     D    D D D  D   D   D
# --- accounts ---------------------------------------------------------------------------------
login                           GET,POST,PUT  -                     A    A A A  A   A   A
logout                          POST          -                     A    A A A  A   A   A
password_change                 GET,POST,PUT  -                     D    A A A  A   A   D
password_change_done            GET           -                     D    A A A  A   A   D
password_reset                  GET,POST,PUT  -                     A    A A A  A   A   A
password_reset_done             GET           -                     A    A A A  A   A   A
password_reset_confirm          GET,POST,PUT  reset                 A    A A A  A   A   A
password_reset_complete         GET           -                     A    A A A  A   A   A
# --- API: schema, docs, token, root -----------------------------------------------------------
schema                          GET           -                     A    A A A  A   A   A
api-docs                        GET           -                     A    A A A  A   A   A
api-token                       POST          -                     A    A A A  A   A   A
api:api-root                    GET           -                     A    A A A  A   A   A
api:me                          GET           -                     D    A A A  A   A   D
# --- API: issues and documents ----------------------------------------------------------------
api:issue-list                  GET           -                     A    A A A  A   A   A
api:issue-list                  POST          -                     D    D D D  D   A   D
api:issue-detail                GET           issue                 A    A A A  A   A   A
api:issue-detail                PATCH         issue                 D    D D D  D   A   D
api:issue-detail                GET           draft_issue           H    H H H  A   A   H
api:issue-detail                PATCH         draft_issue           D    D D D  D   A   D
api:issue-publish               POST          draft_issue           D    D D D  D   A   D
api:document-list               GET           -                     A    A A A  A   A   A
api:document-detail             GET           document              A    A A A  A   A   A
api:document-detail             GET           draft_document        H    H H H  A   A   H
# --- API: tasks -------------------------------------------------------------------------------
api:task-list                   GET           -                     D    A A A  A   A   D
api:task-detail                 GET           task                  D    A H A  A   A   D
api:task-detail                 GET           civil_task            D    H H A  A   A   D
api:task-detail                 GET           draft_task            D    H H H  A   A   D
api:task-progress               POST          task                  D    A H A  D   D   D
api:task-progress               POST          civil_task            D    H H A  D   D   D
api:task-progress               POST          draft_task            D    H H H  D   D   D
api:task-start                  POST          task                  D    A H A  D   D   D
api:task-complete               POST          task                  D    A H A  D   D   D
api:task-request-extension      POST          task                  D    A H A  D   D   D
api:task-urge                   POST          task                  D    D D D  A   D   D
api:task-close                  POST          task                  D    D D D  A   D   D
api:assignment-list             GET           -                     D    A A A  A   A   D
api:assignment-list             POST          -                     D    D D D  D   A   D
api:assignment-detail           GET           assignment            D    A H A  A   A   D
api:assignment-detail           PATCH,DELETE  assignment            D    D D D  D   A   D
api:progress-report-list        GET           -                     D    A A A  A   A   D
api:progress-report-detail      GET           report                D    A H A  A   A   D
api:attachment-download         GET           attachment            D    A H A  A   A   D
# --- API: departments, catalogue, disclosure events -------------------------------------------
api:department-list             GET           -                     A    A A A  A   A   A
api:department-list             POST          -                     D    D D D  D   A   D
api:department-detail           GET           department            A    A A A  A   A   A
api:department-detail           PATCH         department            D    D D D  D   A   D
api:department-merge            POST          new_department        D    D D D  D   A   D
api:catalogue-list              GET           -                     A    A A A  A   A   A
api:catalogue-detail            GET           catalogue_item        A    A A A  A   A   A
api:catalogue-detail            GET           draft_catalogue_item  H    H H H  H   H   H
api:disclosure-event-list       GET           -                     D    A A A  A   A   D
api:disclosure-event-list       POST          -                     D    A D A  D   A   D
api:disclosure-event-detail     GET           event                 D    A H A  A   A   D
api:disclosure-event-publish    POST          event                 D    A H A  D   A   D
# --- API: inbox, working days -----------------------------------------------------------------
api:inbox-list                  GET           -                     D    A A A  A   A   D
api:inbox-read                  POST          notification          D    A H H  H   H   D
api:inbox-read-all              POST          -                     D    A A A  A   A   D
api:workdays-add                GET           -                     A    A A A  A   A   A
api:workdays-between            GET           -                     A    A A A  A   A   A
api:workdays-check              GET           -                     A    A A A  A   A   A
# --- public site (drafts are 404 for everyone here: the public pages show published material) -
archive                         GET           -                     A    A A A  A   A   A
issue                           GET           issue                 A    A A A  A   A   A
issue                           GET           draft_issue           H    H H H  H   H   H
issue-pdf                       GET           issue                 A    A A A  A   A   A
issue-pdf                       GET           draft_issue           H    H H H  H   H   H
document                        GET           document              A    A A A  A   A   A
document                        GET           draft_document        H    H H H  H   H   H
catalogue                       GET           -                     A    A A A  A   A   A
catalogue-table                 GET           -                     A    A A A  A   A   A
opendata                        GET           -                     A    A A A  A   A   A
opendata-dictionary             GET           -                     A    A A A  A   A   A
opendata-download               GET           -                     A    A A A  A   A   A
departments                     GET           -                     A    A A A  A   A   A
department                      GET           department            A    A A A  A   A   A
search                          GET           -                     A    A A A  A   A   A
feed                            ANY           -                     A    A A A  A   A   A
sitemap                         ANY           -                     A    A A A  A   A   A
# --- staff pages: tasks -----------------------------------------------------------------------
staff:landing                   GET           -                     D    A A A  A   A   D
staff:tasks                     GET           -                     D    A A A  A   A   D
staff:export                    GET           -                     D    A A A  A   A   D
staff:task                      GET           task                  D    A H A  A   A   D
staff:task                      GET           civil_task            D    H H A  A   A   D
staff:task                      GET           draft_task            D    H H H  A   A   D
staff:task-report               POST          task                  D    A H A  D   D   D
staff:task-report               POST          civil_task            D    H H A  D   D   D
staff:task-report               POST          draft_task            D    H H H  D   D   D
staff:task-urge                 POST          task                  D    D H D  A   D   D
staff:task-close                POST          task                  D    D H D  A   D   D
staff:attachment                GET           attachment            D    A H A  A   A   D
# --- staff pages: inbox, calendar feeds -------------------------------------------------------
staff:inbox                     GET           -                     D    A A A  A   A   D
staff:inbox-read                POST          notification          D    A H H  H   H   D
staff:inbox-read-all            POST          -                     D    A A A  A   A   D
staff:calendar                  ANY           -                     D    A A A  A   A   D
staff:calendar-revoke           POST          feed                  D    A H H  H   H   D
staff:ics                       GET           feed                  A    A A A  A   A   A
staff:ics                       GET           inactive_feed         H    H H H  H   H   H
# --- staff pages: supervision -----------------------------------------------------------------
staff:supervision               GET           -                     D    D D D  A   A   D
staff:supervision-tasks         GET           -                     D    D D D  A   A   D
staff:supervision-export        GET           -                     D    D D D  A   A   D
staff:validity-expiring         GET           -                     D    D D D  A   A   D
# --- staff pages: import, review, publish, department registry (秘书处) --------------------------
staff:import                    ANY           -                     D    D D D  D   A   D
staff:import-confirm            POST          -                     D    D D D  D   A   D
staff:review                    GET           draft_issue           D    D D D  D   A   D
staff:publish                   POST          draft_issue           D    D D D  D   A   D
staff:review-assign             POST          task                  D    D D D  D   A   D
staff:review-deadline           POST          task                  D    D D D  D   A   D
staff:review-assignment         POST          assignment            D    D D D  D   A   D
staff:departments               ANY           -                     D    D D D  D   A   D
staff:department                ANY           new_department        D    D D D  D   A   D
staff:department-alias          POST          new_department        D    D D D  D   A   D
staff:department-alias-delete   POST          alias                 D    D D D  D   A   D
staff:department-merge          POST          new_department        D    D D D  D   A   D
# --- staff pages: an issue assembled document by document (逐件组稿, 秘书处) ---------------
staff:assembly                  GET,POST      -                     D    D D D  D   A   D
staff:assembly-issue            GET           draft_issue           D    D D D  D   A   D
staff:assembly-add              POST          draft_issue           D    D D D  D   A   D
staff:assembly-confirm          POST          draft_issue           D    D D D  D   A   D
staff:assembly-publish          POST          draft_issue           D    D D D  D   A   D
staff:assembly-move             POST          draft_document        D    D D D  D   A   D
staff:assembly-remove           POST          draft_document        D    D D D  D   A   D
staff:relation-decide           POST          relation              D    D D D  D   A   D
staff:relation-add              POST          draft_document        D    D D D  D   A   D
# --- development only -------------------------------------------------------------------------
"""
# fmt: on


def rows() -> list[dict]:
    """The table as dicts: name, methods (tuple), object, expected (role → letter), optional."""
    out = []
    for number, line in enumerate(TABLE.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, methods, obj, *cells = line.split()
        if len(cells) != len(ROLES) or set(cells) - {"A", "D", "H"}:
            raise ValueError(f"permission_matrix.py TABLE line {number}: {line!r}")
        optional = name.startswith("optional:")
        out.append(
            {
                "name": name.removeprefix("optional:"),
                "methods": ALL_METHODS if methods == "ANY" else tuple(methods.split(",")),
                "any": methods == "ANY",
                "object": None if obj == "-" else obj,
                "expected": dict(zip(ROLES, cells, strict=True)),
                "optional": optional,
            }
        )
    return out
