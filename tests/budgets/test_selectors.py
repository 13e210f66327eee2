from budgets.selectors import departments_for, projects_for, user_can_see_department, user_supervises_department
from tests.factories import DepartmentFactory, ProjectFactory


def test_staff_see_only_their_department(staff, department, parent_department, project, other_project):
    assert set(departments_for(staff)) == {department}
    assert list(projects_for(staff)) == [project]
    assert not user_can_see_department(staff, parent_department)
    assert not user_supervises_department(staff, department)


def test_supervisor_sees_the_whole_subtree(supervisor, parent_department, department, other_department, project):
    grandchild = DepartmentFactory(code="CITY-IT-1", parent=department)
    grandchild_project = ProjectFactory(department=grandchild)
    assert set(departments_for(supervisor)) == {parent_department, department, grandchild}
    assert set(projects_for(supervisor)) == {project, grandchild_project}
    assert user_supervises_department(supervisor, grandchild)
    assert not user_can_see_department(supervisor, other_department)


def test_outsider_sees_nothing(outsider, project, other_project):
    assert not departments_for(outsider).exists()
    assert not projects_for(outsider).exists()


def test_anonymous_sees_nothing(project):
    from django.contrib.auth.models import AnonymousUser

    assert not projects_for(AnonymousUser()).exists()


def test_superuser_sees_everything(superuser, project, other_project):
    assert set(projects_for(superuser)) == {project, other_project}


def test_projects_selector_needs_constant_queries(supervisor, department, django_assert_max_num_queries):
    for _ in range(5):
        ProjectFactory(department=department)
    with django_assert_max_num_queries(3):
        for project in projects_for(supervisor):
            _ = project.department.name
            _ = list(project.fundings.all())
