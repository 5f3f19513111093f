from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "forsa.centers"
    label = "centers"

    def ready(self):
        from forsa.centers import selectors, views
        from forsa.core import sections

        # Territory and organizations (lower floors) show centres without importing centers.
        sections.register_query("territory.regions", selectors.with_center_counts)
        sections.register_query("territory.provinces", selectors.with_center_counts)
        sections.register_query("organizations.associations", selectors.with_centers_run)
        sections.register("territory.province", "centers/province_section.html", views.province_section)
        sections.register("organizations.association", "centers/association_section.html", views.association_section)
