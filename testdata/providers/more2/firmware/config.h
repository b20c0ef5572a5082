/* Adafruit IO config: visit io.adafruit.com for your key. */
#define IO_USERNAME   "maker_jo"
#define IO_KEY        "aio_WJOadFLFBxqb2dnoM6RU2XrhhTfp"
#define WIFI_SSID     "workshop"
