"""The tenant template's employees table, as an unmanaged model: the
extension owns the table (wt_create_tenant, migrations with
wt_add_migration), so Django never creates or alters it."""
from django.db import models


class Employee(models.Model):
    email = models.CharField(max_length=255)
    full_name = models.CharField(max_length=255)

    class Meta:
        managed = False
        db_table = "employees"  # unqualified: resolved in the tenant's schema
