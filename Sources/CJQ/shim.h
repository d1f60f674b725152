#ifndef WF2C_CJQ_SHIM_H
#define WF2C_CJQ_SHIM_H
#include <jq.h>
#include <jv.h>
#endif
