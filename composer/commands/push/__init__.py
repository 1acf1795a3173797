"""`compose push`: the issue made a draft in the mailing service, checked, never sent nor scheduled.

push.py is the flow (compose for the service, check, make or update the draft, the test send);
http.py the one HTTP client (time-outs, retries, failures in plain words, no secret shown);
drafts.py the drafts remembered beside the issues (drafts.json); services/ one module a service
behind services.base.Service, listed in services.SERVICES.
"""
