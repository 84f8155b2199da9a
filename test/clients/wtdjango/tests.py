"""Django's own test runner against a test database copied from a template
that has the extension and tenants (DATABASES TEST TEMPLATE; run by
test/integration/clients.sh with `python3 -m django test wtdjango`).

A TestCase runs each test class inside one transaction (each test in a
savepoint of it), so SET LOCAL in a test holds for that test and is gone
after it.  Under local_tenant_only the transaction is locked to the first
tenant it enters, even after the savepoint is rolled back: one tenant per
TestCase class (or a TransactionTestCase, whose tests commit for real).
"""
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from wtdjango.models import Employee


def set_tenant(schema):
    with connection.cursor() as cur:
        cur.execute("SET LOCAL wellness_tenancy.tenant = %s", [schema])


def emails():
    return list(Employee.objects.values_list("email", flat=True))


class Tenant01Tests(TestCase):
    def test_reads_own_tenant(self):
        set_tenant("tenant_01")
        seen = emails()
        self.assertEqual(sorted(seen), ["a@tenant_01.example", "b@tenant_01.example"])


class Tenant02Tests(TestCase):
    def test_writes_to_own_tenant(self):
        set_tenant("tenant_02")
        Employee.objects.create(email="new@tenant_02.example", full_name="New")
        self.assertEqual(sorted(emails()), ["c@tenant_02.example", "new@tenant_02.example"])


class NoTenantTests(TestCase):
    def test_no_tenant_no_rows(self):
        with self.assertRaises(DatabaseError) as caught:
            with transaction.atomic():
                emails()
        self.assertIn(caught.exception.__cause__.pgcode, ("42P01", "42501"))
