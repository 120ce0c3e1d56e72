/**
 * Timer schedules as the Functions timer trigger reads them on Flex Consumption: six NCRONTAB fields, seconds
 * first. The trigger's other form, a TimeSpan interval ("00:15:00"), works only on an App Service plan, which
 * infra/ does not deploy, so it is refused here rather than left to fail in Azure.
 */
const FIELD = /^[0-9A-Za-z*,/-]+$/;

export function isNcrontab(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 6 && fields.every((field) => FIELD.test(field));
}
