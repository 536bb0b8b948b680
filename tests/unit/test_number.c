/*
 * test_number: common/number.c, the strict parser behind every number the
 * CLI, the hub's offline commands and the case forms read.
 */
#include <stdint.h>

#include "check.h"
#include "number.h"

static number_status_t
s_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    *out = 4242;
    return number_parse_u64(s, min, max, out);
}

static void
accepts_plain_digits_in_range(void)
{
    uint64_t v;
    CHECK(s_u64("12", 0, UINT64_MAX, &v) == NUMBER_OK && v == 12);
    CHECK(s_u64("0", 0, 10, &v) == NUMBER_OK && v == 0);
    CHECK(s_u64("007", 0, 10, &v) == NUMBER_OK && v == 7);
    CHECK(s_u64("18446744073709551615", 0, UINT64_MAX, &v) == NUMBER_OK && v == UINT64_MAX);
    CHECK(s_u64("16", 1, 16, &v) == NUMBER_OK && v == 16);
}

static void
refuses_trailing_garbage_and_blanks(void)
{
    uint64_t v;
    const char *bad[] = {"12x", "x12", "", " 12", "12 ", "1 2", "+12", "0x10", "1e3", "1.0", "-",
        "12\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(s_u64(bad[i], 0, UINT64_MAX, &v) == NUMBER_NOT_A_NUMBER);
        CHECK(v == 4242); /* untouched */
    }
    CHECK(number_parse_u64(NULL, 0, 1, &v) == NUMBER_NOT_A_NUMBER);
}

static void
refuses_negatives_and_overflow(void)
{
    uint64_t v;
    CHECK(s_u64("-3", 0, UINT64_MAX, &v) == NUMBER_NEGATIVE && v == 4242);
    CHECK(s_u64("-0", 0, UINT64_MAX, &v) == NUMBER_NEGATIVE);
    CHECK(s_u64("18446744073709551616", 0, UINT64_MAX, &v) == NUMBER_TOO_LARGE);
    CHECK(s_u64("99999999999999999999999", 0, UINT64_MAX, &v) == NUMBER_TOO_LARGE);
    CHECK(s_u64("4294967296", 0, UINT32_MAX, &v) == NUMBER_TOO_LARGE);
    CHECK(s_u64("0", 1, 10, &v) == NUMBER_TOO_SMALL && v == 4242);
}

static void
explains_in_one_line(void)
{
    char why[128];
    number_explain(why, sizeof why, "12x", NUMBER_NOT_A_NUMBER, 0, UINT64_MAX);
    CHECK_STREQ(why, "'12x' is not a number");
    number_explain(why, sizeof why, "-3", NUMBER_NEGATIVE, 0, 100);
    CHECK_STREQ(why, "'-3' is negative: give a number from 0 to 100");
    number_explain(why, sizeof why, "0", NUMBER_TOO_SMALL, 1, 16);
    CHECK_STREQ(why, "'0' is too small: give a number from 1 to 16");
    number_explain(why, sizeof why, "99", NUMBER_TOO_LARGE, 1, 16);
    CHECK_STREQ(why, "'99' is too large: give a number from 1 to 16");
}

static void
parses_finite_decimals_only(void)
{
    double d = 0;
    CHECK(number_parse_double("14.5", &d) == NUMBER_OK && d == 14.5);
    CHECK(number_parse_double("-90", &d) == NUMBER_OK && d == -90);
    CHECK(number_parse_double("1e3", &d) == NUMBER_OK && d == 1000);
    const char *bad[] = {"", " 1", "1 ", "14.5x", "inf", "nan", "-inf", "1e999", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(number_parse_double(bad[i], &d) == NUMBER_NOT_A_NUMBER);
}

int
main(void)
{
    RUN(accepts_plain_digits_in_range);
    RUN(refuses_trailing_garbage_and_blanks);
    RUN(refuses_negatives_and_overflow);
    RUN(explains_in_one_line);
    RUN(parses_finite_decimals_only);
    return CHECK_DONE();
}
