/* rb-core.h: everything of the core layer: model, time, rules, JSON. No GTK here. */
#pragma once

#include "rb-availability.h"
#include "rb-booking.h"
#include "rb-building.h"
#include "rb-error.h"
#include "rb-floor.h"
#include "rb-interval.h"
#include "rb-json.h"
#include "rb-person.h"
#include "rb-policy.h"
#include "rb-site.h"
#include "rb-space.h"
#include "rb-time.h"
#include "rb-types.h"
