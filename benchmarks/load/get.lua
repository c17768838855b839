-- GET one page as if through the HTTPS proxy; status counting from report.lua.
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Language"] = "ru"
