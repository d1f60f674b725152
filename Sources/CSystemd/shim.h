#ifndef WF2C_CSYSTEMD_SHIM_H
#define WF2C_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
