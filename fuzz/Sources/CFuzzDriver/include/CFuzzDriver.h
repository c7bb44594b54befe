#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H
// Intentionally empty: the target only provides the entry point in driver.c.
#endif
