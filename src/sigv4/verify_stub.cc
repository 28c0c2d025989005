// Temporary: keeps the target linkable while the implementation lands.
#include "sigv4/verify.h"
