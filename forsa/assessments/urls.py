from django.urls import path

from forsa.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.my_groups, name="mine"),
    path("indicators/", views.indicators, name="indicators"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/heatmap/", views.heatmap, name="heatmap"),
    path("groups/<int:pk>/remediation/", views.suggestions, name="suggestions"),
    path("groups/<int:pk>/bulletins/", views.bulletin_batch_request, name="bulletin_batch_request"),
    path("bulletins/<int:pk>/", views.bulletin_batch, name="bulletin_batch"),
    path("bulletins/<int:pk>/bulletins.pdf", views.bulletin_batch_download, name="bulletin_batch_download"),
    path("<int:pk>/", views.grid, name="grid"),
    path("<int:pk>/learners/<int:learner>/", views.learner_results, name="learner_results"),
    path("<int:pk>/results.xlsx", views.grid_export, name="grid_export"),
    path("remediation/<int:pk>/", views.remediation_detail, name="remediation"),
    path("remediation/<int:pk>/close/", views.remediation_close, name="remediation_close"),
    path("learners/<int:pk>/", views.learner_progress, name="learner"),
    path("learners/<int:pk>/bulletin-<str:language>.pdf", views.learner_bulletin, name="bulletin"),
    path("framework/", views.framework_list, name="frameworks"),
    path("framework/<int:pk>/", views.framework_detail, name="framework"),
    path("framework/<int:pk>/draft/", views.framework_draft, name="framework_draft"),
    path("framework/<int:pk>/publish/", views.framework_publish, name="framework_publish"),
    path("framework/<int:pk>/poles/new/", views.pole_edit, name="pole_new"),
    path("framework/<int:pk>/poles/<int:pole>/", views.pole_edit, name="pole_edit"),
    path("framework/<int:pk>/domains/new/", views.domain_edit, name="domain_new"),
    path("framework/<int:pk>/domains/<int:domain>/", views.domain_edit, name="domain_edit"),
    path("framework/<int:pk>/scale/", views.scale_edit, name="scale_edit"),
    path("framework/<int:pk>/competencies/new/", views.competency_edit, name="competency_new"),
    path("framework/<int:pk>/competencies/<int:competency>/", views.competency_edit, name="competency_edit"),
]
