-- GET one page as a signed-in user: the session cookie comes from the LOAD_COOKIE variable.
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
wrk.headers["Accept-Language"] = "ru"
wrk.headers["Cookie"] = os.getenv("LOAD_COOKIE")
