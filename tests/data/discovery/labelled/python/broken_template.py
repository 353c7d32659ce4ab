{% for job in jobs %}
def run_{{ job.name }}():
    return schedule("{{ job.cron }}")
{% endfor %}
