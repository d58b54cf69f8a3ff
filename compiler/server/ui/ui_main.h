// `jobc-server ui [--host H] [--port N] [--open]`, which `jobc ui` execs: serves $JOBC_HOME's
// runs to a browser until interrupted. It makes the access token itself and prints it only
// in the URL on stdout (as Jupyter does): no secret in arguments or the environment.
#pragma once

namespace jobc::ui {

int ui_server_main(int argc, char** argv);

}  // namespace jobc::ui
