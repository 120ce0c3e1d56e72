/**
 * The Advanced Hunting tables the benchmark streams: their columns as the schema reference documents them (type
 * after the colon, string when none), and how often each shows up in a busy tenant's stream. Device tables
 * dominate real traffic; DeviceInfo is a small share but is what teaches MachineGroup.
 */

export type ColumnType = 'string' | 'datetime' | 'long' | 'int' | 'bool' | 'dynamic';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Relative share of the stream's records. */
  readonly weight: number;
}

/** The initiating-process columns two device tables list in the same order, through ReportId. */
const INITIATING_PROCESS_TO_REPORT_ID = [
  'InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid',
  'InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessIntegrityLevel',
  'InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5',
  'InitiatingProcessFileName InitiatingProcessFileSize:long InitiatingProcessVersionInfoCompanyName',
  'InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion',
  'InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName',
  'InitiatingProcessVersionInfoFileDescription InitiatingProcessId:long InitiatingProcessCommandLine',
  'InitiatingProcessCreationTime:datetime InitiatingProcessFolderPath InitiatingProcessParentId:long',
  'InitiatingProcessParentFileName InitiatingProcessParentCreationTime:datetime ReportId:long',
];

const WEIGHTS: Readonly<Record<keyof typeof COLUMNS, number>> = {
  DeviceNetworkEvents: 30,
  DeviceImageLoadEvents: 14,
  DeviceRegistryEvents: 12,
  DeviceEvents: 12,
  DeviceFileEvents: 10,
  DeviceProcessEvents: 8,
  DeviceLogonEvents: 4,
  DeviceInfo: 2,
  DeviceNetworkInfo: 2,
  DeviceFileCertificateInfo: 1,
  AlertInfo: 0.5,
  AlertEvidence: 1,
  EmailEvents: 1.5,
  IdentityLogonEvents: 1,
  CloudAppEvents: 1,
};

const COLUMNS = {
  DeviceProcessEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize:long',
    'ProcessVersionInfoCompanyName ProcessVersionInfoProductName ProcessVersionInfoProductVersion',
    'ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName ProcessVersionInfoFileDescription',
    'ProcessId:long ProcessCommandLine ProcessIntegrityLevel ProcessTokenElevation ProcessCreationTime:datetime',
    'AccountDomain AccountName AccountSid AccountUpn AccountObjectId LogonId:long InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn',
    'InitiatingProcessAccountObjectId InitiatingProcessLogonId:long InitiatingProcessIntegrityLevel',
    // The shared run from InitiatingProcessTokenElevation to InitiatingProcessParentId; this table orders the
    // account columns before it, and SignerType instead of ReportId after it, its own way.
    ...INITIATING_PROCESS_TO_REPORT_ID.slice(2, 8),
    'InitiatingProcessParentFileName InitiatingProcessParentCreationTime:datetime InitiatingProcessSignerType',
    'InitiatingProcessSignatureStatus ReportId:long AppGuardContainerId AdditionalFields',
    'InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP CreatedProcessSessionId:long',
    'IsProcessRemoteSession:bool ProcessRemoteSessionDeviceName ProcessRemoteSessionIP ProcessUniqueId',
    'InitiatingProcessUniqueId',
  ],
  DeviceNetworkEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType RemoteIP RemotePort:int RemoteUrl LocalIP LocalPort:int',
    'Protocol LocalIPType RemoteIPType InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5',
    'InitiatingProcessFileName InitiatingProcessFileSize:long InitiatingProcessVersionInfoCompanyName',
    'InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion',
    'InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName',
    'InitiatingProcessVersionInfoFileDescription InitiatingProcessId:long InitiatingProcessCommandLine',
    'InitiatingProcessCreationTime:datetime InitiatingProcessFolderPath InitiatingProcessParentFileName',
    'InitiatingProcessParentId:long InitiatingProcessParentCreationTime:datetime InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn',
    'InitiatingProcessAccountObjectId InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation',
    'ReportId:long AppGuardContainerId AdditionalFields InitiatingProcessSessionId:long',
    'IsInitiatingProcessRemoteSession:bool InitiatingProcessRemoteSessionDeviceName',
    'InitiatingProcessRemoteSessionIP InitiatingProcessUniqueId',
  ],
  DeviceFileEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileOriginUrl',
    'FileOriginReferrerUrl FileOriginIP PreviousFolderPath PreviousFileName FileSize:long',
    'InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid',
    'InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessMD5 InitiatingProcessSHA1',
    'InitiatingProcessSHA256 InitiatingProcessFolderPath InitiatingProcessFileName InitiatingProcessFileSize:long',
    'InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName',
    'InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName',
    'InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription',
    'InitiatingProcessId:long InitiatingProcessCommandLine InitiatingProcessCreationTime:datetime',
    'InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessParentId:long',
    'InitiatingProcessParentFileName InitiatingProcessParentCreationTime:datetime RequestProtocol RequestSourceIP',
    'RequestSourcePort:int RequestAccountName RequestAccountDomain RequestAccountSid ShareName SensitivityLabel',
    'SensitivitySubLabel IsAzureInfoProtectionApplied:bool ReportId:long AppGuardContainerId AdditionalFields',
    'InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP InitiatingProcessUniqueId',
  ],
  DeviceRegistryEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType RegistryKey RegistryValueType RegistryValueName',
    'RegistryValueData PreviousRegistryKey PreviousRegistryValueName PreviousRegistryValueData',
    'InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid',
    'InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessSHA1 InitiatingProcessSHA256',
    'InitiatingProcessMD5 InitiatingProcessFileName InitiatingProcessFileSize:long',
    'InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName',
    'InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName',
    'InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription',
    'InitiatingProcessId:long InitiatingProcessCommandLine InitiatingProcessCreationTime:datetime',
    'InitiatingProcessFolderPath InitiatingProcessParentId:long InitiatingProcessParentFileName',
    'InitiatingProcessParentCreationTime:datetime InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation',
    'ReportId:long AppGuardContainerId InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP InitiatingProcessUniqueId',
  ],
  DeviceLogonEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType LogonType AccountDomain AccountName AccountSid Protocol',
    'FailureReason IsLocalAdmin:bool LogonId:long RemoteDeviceName RemoteIP RemoteIPType RemotePort:int',
    ...INITIATING_PROCESS_TO_REPORT_ID,
    'AppGuardContainerId AdditionalFields InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP InitiatingProcessUniqueId',
  ],
  DeviceImageLoadEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize:long',
    ...INITIATING_PROCESS_TO_REPORT_ID,
    'AppGuardContainerId InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP InitiatingProcessUniqueId',
  ],
  DeviceEvents: [
    'Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize:long',
    'AccountDomain AccountName AccountSid RemoteUrl RemoteDeviceName ProcessId:long ProcessCommandLine',
    'ProcessCreationTime:datetime ProcessTokenElevation LogonId:long RegistryKey RegistryValueName',
    'RegistryValueData RemoteIP RemotePort:int LocalIP LocalPort:int FileOriginUrl FileOriginIP',
    'InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName',
    'InitiatingProcessFileSize:long InitiatingProcessFolderPath InitiatingProcessId:long',
    'InitiatingProcessCommandLine InitiatingProcessCreationTime:datetime InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn',
    'InitiatingProcessAccountObjectId InitiatingProcessVersionInfoCompanyName',
    'InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion',
    'InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName',
    'InitiatingProcessVersionInfoFileDescription InitiatingProcessParentId:long InitiatingProcessParentFileName',
    'InitiatingProcessParentCreationTime:datetime InitiatingProcessLogonId:long ReportId:long AppGuardContainerId',
    'AdditionalFields InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool',
    'InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP CreatedProcessSessionId:long',
    'IsProcessRemoteSession:bool ProcessRemoteSessionDeviceName ProcessRemoteSessionIP',
  ],
  DeviceInfo: [
    'Timestamp:datetime DeviceId DeviceName ClientVersion PublicIP OSArchitecture OSPlatform OSBuild:long',
    'IsAzureADJoined:bool JoinType AadDeviceId LoggedOnUsers RegistryDeviceTag OSVersion MachineGroup',
    'ReportId:long OnboardingStatus AdditionalFields DeviceCategory DeviceType DeviceSubtype Model Vendor',
    'OSDistribution OSVersionInfo MergedDeviceIds MergedToDeviceId IsInternetFacing:bool SensorHealthState',
    'IsExcluded:bool ExclusionReason ExposureLevel AssetValue DeviceManualTags DeviceDynamicTags ConnectivityType',
    'HostDeviceId AzureResourceId AwsResourceName GcpFullResourceName HardwareUuid CloudPlatforms AzureVmId',
    'AzureVmSubscriptionId IsTransient:bool OsBuildRevision MitigationStatus Site DiscoverySources DeviceRoles',
    'DlpInfo',
  ],
  DeviceNetworkInfo: [
    'Timestamp:datetime DeviceId DeviceName NetworkAdapterName MacAddress NetworkAdapterType NetworkAdapterStatus',
    'TunnelType ConnectedNetworks DnsAddresses IPv4Dhcp IPv6Dhcp DefaultGateways IPAddresses ReportId:long',
    'NetworkAdapterVendor OnboardingStatus NetworkAdapterDnsSuffix',
  ],
  DeviceFileCertificateInfo: [
    'Timestamp:datetime DeviceId DeviceName SHA1 IsSigned:bool SignatureType Signer SignerHash Issuer IssuerHash',
    'CertificateSerialNumber CrlDistributionPointUrls CertificateCreationTime:datetime',
    'CertificateExpirationTime:datetime CertificateCountersignatureTime:datetime IsTrusted:bool',
    'IsRootSignerMicrosoft:bool ReportId:long',
  ],
  AlertInfo: ['Timestamp:datetime AlertId Title Category Severity ServiceSource DetectionSource AttackTechniques'],
  AlertEvidence: [
    'Timestamp:datetime AlertId Title Categories AttackTechniques ServiceSource DetectionSource EntityType',
    'EvidenceRole EvidenceDirection FileName FolderPath SHA1 SHA256 FileSize:long ThreatFamily RemoteIP RemoteUrl',
    'AccountName AccountDomain AccountSid AccountObjectId AccountUpn DeviceId DeviceName LocalIP NetworkMessageId',
    'EmailSubject Application ApplicationId:int OAuthApplicationId ProcessCommandLine RegistryKey',
    'RegistryValueName RegistryValueData AdditionalFields Severity CloudResource CloudPlatform ResourceType',
    'ResourceID SubscriptionId',
  ],
  EmailEvents: [
    'Timestamp:datetime NetworkMessageId InternetMessageId SenderMailFromAddress SenderFromAddress',
    'SenderDisplayName SenderObjectId SenderMailFromDomain SenderFromDomain SenderIPv4 SenderIPv6',
    'RecipientEmailAddress RecipientObjectId Subject EmailClusterId:long EmailDirection DeliveryAction',
    'DeliveryLocation ThreatTypes ThreatNames DetectionMethods ConfidenceLevel BulkComplaintLevel:int EmailAction',
    'EmailActionPolicy EmailActionPolicyGuid AuthenticationDetails AttachmentCount:int UrlCount:int EmailLanguage',
    'Connectors OrgLevelAction OrgLevelPolicy UserLevelAction UserLevelPolicy ReportId AdditionalFields',
    'OriginalThreatTypes OriginalDetectionMethods OriginalConfidenceLevel DistributionList ExchangeTransportRule',
    'ForwardingInformation Context To Cc ThreatClassification RecipientDomain EmailSize:long IsFirstContact:int',
    'Topics',
  ],
  IdentityLogonEvents: [
    'Timestamp:datetime ActionType Application LogonType Protocol FailureReason AccountName AccountDomain',
    'AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName DeviceType OSPlatform IPAddress Port:int',
    'DestinationDeviceName DestinationIPAddress DestinationPort:int TargetDeviceName TargetAccountDisplayName',
    'Location Isp ReportId AdditionalFields:dynamic',
  ],
  CloudAppEvents: [
    'Timestamp:datetime ActionType Application ApplicationId:int AppInstanceId:int AccountObjectId AccountId',
    'AccountDisplayName IsAdminOperation:bool DeviceType OSPlatform IPAddress IsAnonymousProxy:bool CountryCode',
    'City Isp UserAgent ActivityType ActivityObjects:dynamic ObjectName ObjectType ObjectId ReportId AccountType',
    'IsExternalUser:bool IsImpersonated:bool IPTags:dynamic IPCategory UserAgentTags:dynamic RawEventData:dynamic',
    'AdditionalFields:dynamic LastSeenForUser:dynamic UncommonForUser:dynamic AuditSource SessionData:dynamic',
    'OAuthAppId',
  ],
};

export const TABLES: readonly TableSpec[] = Object.entries(COLUMNS).map(([name, lines]) => ({
  name,
  columns: lines
    .join(' ')
    .split(' ')
    .map((column) => {
      const [columnName = column, type = 'string'] = column.split(':');
      return { name: columnName, type: type as ColumnType };
    }),
  weight: WEIGHTS[name as keyof typeof COLUMNS],
}));
