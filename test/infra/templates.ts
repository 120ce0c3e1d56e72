/** infra/ as the tests see it: every Bicep file parsed, main.bicep's modules resolved, role assignments read. */
import { readdirSync } from 'node:fs';
import { literal, property, readBicep, source, type BicepFile, type Expr } from '../support/bicep.js';

export const ROOT = new URL('../../../', import.meta.url);
export const INFRA = new URL('infra/', ROOT);

/** Every .bicep file under infra/, by path relative to infra/. */
export function templates(): Map<string, BicepFile> {
  const files = new Map<string, BicepFile>();
  for (const entry of readdirSync(INFRA, { recursive: true, encoding: 'utf8' })) {
    const path = entry.replaceAll('\\', '/');
    if (path.endsWith('.bicep')) files.set(path, readBicep(new URL(path, INFRA)));
  }
  return files;
}

export const main = (): BicepFile => readBicep(new URL('main.bicep', INFRA));

/** The file a module declaration of main.bicep points at, relative to infra/. */
export function modulePath(declaredPath: string): string {
  return declaredPath.replace(/^\.\//, '');
}

export function moduleParam(file: BicepFile, moduleName: string, param: string): Expr | undefined {
  return property(file.modules.get(moduleName)?.body, `params.${param}`);
}

export interface RoleAssignment {
  readonly file: string;
  readonly symbol: string;
  /** Resource type of the scope, e.g. Microsoft.KeyVault/vaults. */
  readonly scopeType: string;
  readonly roleDefinitionId: string;
  /** The principal as main.bicep passes it, e.g. identity.properties.principalId. */
  readonly principal: string;
  readonly principalType?: string;
  /** The module's condition on the assignment, if any: `!empty(secretsOfficerPrincipalId)`. */
  readonly condition?: string;
}

/** Every role assignment in infra/, its principal traced back to what main.bicep passes the module. */
export function roleAssignments(): RoleAssignment[] {
  const all = templates();
  const entry = all.get('main.bicep')!;
  const assignments: RoleAssignment[] = [];
  for (const [path, file] of all) {
    const caller = [...entry.modules].find(([, module]) => modulePath(module.path) === path);
    for (const [symbol, resource] of file.resources) {
      if (resource.type !== 'Microsoft.Authorization/roleAssignments') continue;
      const scope = source(property(resource.body, 'scope'));
      const role = /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)$/.exec(
        source(property(resource.body, 'properties.roleDefinitionId')),
      )?.[1];
      const principal = source(property(resource.body, 'properties.principalId'));
      const passed =
        caller && file.params.has(principal) ? source(moduleParam(entry, caller[0], principal)) : principal;
      const principalType = literal(property(resource.body, 'properties.principalType'));
      assignments.push({
        file: path,
        symbol,
        scopeType: file.resources.get(scope)?.type ?? `(not a resource of this file: ${scope || 'none'})`,
        roleDefinitionId: String(literal(role ? file.vars.get(role) : undefined) ?? `(unresolved: ${role})`),
        principal: passed,
        ...(typeof principalType === 'string' ? { principalType } : {}),
        ...(resource.condition ? { condition: source(resource.condition) } : {}),
      });
    }
  }
  return assignments;
}
